import type { GuideStep } from "../steps";
import { CopyKeysIllustration } from "./copy-keys";
import { CreateIntegrationIllustration } from "./create-integration";
import { FillFormIllustration } from "./fill-form";
import { OpenAmoMarketIllustration } from "./open-amomarket";
import { SignInIllustration } from "./sign-in";
import type { IllustrationText } from "./types";

export interface IllustrationValues {
  redirectUri: string;
  hookUrl: string;
  exampleName: string;
  exampleDescription: string;
}

/** The mock-up of the amoCRM screen a step talks about. */
export function StepIllustration({ step, values, ...text }: IllustrationText & { step: GuideStep; values: IllustrationValues }) {
  switch (step) {
    case "sign-in":
      return <SignInIllustration {...text} />;
    case "open-amomarket":
      return <OpenAmoMarketIllustration {...text} />;
    case "create-integration":
      return <CreateIntegrationIllustration {...text} />;
    case "fill-form":
      return <FillFormIllustration {...text} {...values} />;
    case "copy-keys":
      return <CopyKeysIllustration {...text} integrationName={values.exampleName} />;
  }
}
