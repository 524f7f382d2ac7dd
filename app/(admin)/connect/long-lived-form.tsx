"use client";

import { useActionState } from "react";
import { PlatformRadios } from "@/components/amocrm/platform-radios";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { connectLongLivedAction, type LongLivedFormState } from "./long-lived-actions";

export function LongLivedForm({
  platform,
  text,
}: {
  platform: string;
  text: {
    title: string;
    platform: string;
    platformAmocrm: string;
    platformKommo: string;
    accountDomain: string;
    accountDomainHint: string;
    token: string;
    submit: string;
  };
}) {
  const [state, action, pending] = useActionState<LongLivedFormState, FormData>(connectLongLivedAction, {});
  const values = state.values ?? { platform, accountDomain: "" };
  return (
    <form id="long-lived-form" aria-label={text.title} action={action} className="space-y-4" noValidate>
      <div aria-live="polite">
        {state.message && (
          <Alert tone={state.status === "connected" ? "success" : "error"}>{state.message}</Alert>
        )}
      </div>
      <PlatformRadios
        name="longLivedPlatform"
        legend={text.platform}
        labels={{ "amocrm.ru": text.platformAmocrm, "kommo.com": text.platformKommo }}
        defaultValue={values.platform}
        errors={state.fieldErrors?.longLivedPlatform}
      />
      <Field name="longLivedAccountDomain" label={text.accountDomain} hint={text.accountDomainHint} defaultValue={values.accountDomain} autoComplete="off" spellCheck={false} errors={state.fieldErrors?.longLivedAccountDomain} />
      <Field name="longLivedToken" type="password" label={text.token} autoComplete="off" spellCheck={false} errors={state.fieldErrors?.longLivedToken} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {text.submit}
      </Button>
    </form>
  );
}
