"use client";

import { useActionState } from "react";
import { PlatformRadios } from "@/components/amocrm/platform-radios";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { saveCredentialsAction, type CredentialsFormState } from "./actions";

export interface CredentialsFormText {
  legend: string;
  platform: string;
  platformAmocrm: string;
  platformKommo: string;
  clientId: string;
  clientIdHint: string;
  clientSecret: string;
  clientSecretHint: string;
  accountDomain: string;
  accountDomainHint: string;
  submit: string;
  submitting: string;
}

/** The credentials form. The secret field never has a value from the server: it starts empty every time. */
export function CredentialsForm({
  saved,
  secretSavedNote,
  text,
}: {
  saved: { platform: string; clientId: string; accountDomain: string };
  secretSavedNote: string | null;
  text: CredentialsFormText;
}) {
  const [state, action, pending] = useActionState<CredentialsFormState, FormData>(saveCredentialsAction, {});
  const values = state.status === "invalid" && state.values ? state.values : saved;
  return (
    <form id="credentials-form" aria-label={text.legend} action={action} className="space-y-5" noValidate>
      <div aria-live="polite">
        {state.status === "saved" && (
          // One status region for the save and its warning: they are one outcome, announced together.
          <div role="status" className="space-y-2">
            <Alert tone="success" role={null}>
              {state.message}
            </Alert>
            {state.warning && (
              <Alert tone="warning" role={null}>
                {state.warning}
              </Alert>
            )}
          </div>
        )}
      </div>
      <PlatformRadios
        name="platform"
        legend={text.platform}
        labels={{ "amocrm.ru": text.platformAmocrm, "kommo.com": text.platformKommo }}
        defaultValue={values.platform}
        errors={state.fieldErrors?.platform}
      />
      <Field
        name="clientId"
        label={text.clientId}
        hint={text.clientIdHint}
        defaultValue={values.clientId}
        autoComplete="off"
        spellCheck={false}
        errors={state.fieldErrors?.clientId}
      />
      <Field
        name="clientSecret"
        type="password"
        label={text.clientSecret}
        hint={secretSavedNote ?? text.clientSecretHint}
        autoComplete="off"
        spellCheck={false}
        errors={state.fieldErrors?.clientSecret}
      />
      <Field
        name="accountDomain"
        label={text.accountDomain}
        hint={text.accountDomainHint}
        defaultValue={values.accountDomain}
        autoComplete="off"
        spellCheck={false}
        errors={state.fieldErrors?.accountDomain}
      />
      <Button type="submit" disabled={pending}>
        {pending ? text.submitting : text.submit}
      </Button>
    </form>
  );
}
