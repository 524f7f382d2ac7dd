import type { GuideStep } from "../steps";
import { ConnectWebsiteIllustration, type ConnectWebsiteLabels } from "./connect-website";
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
  /** The website step's picture: this server's leads address and the API keys page's own words. */
  website: Omit<ConnectWebsiteLabels, "keyName">;
}

/** The mock-up of the screen a step talks about (amoCRM's, or this dashboard's for the website step). */
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
    case "connect-website":
      return <ConnectWebsiteIllustration {...text} {...values.website} keyName={values.exampleName} />;
  }
}
