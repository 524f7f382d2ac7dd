"use client";

import { useActionState } from "react";
import { PlatformRadios } from "@/components/amocrm/platform-radios";
import { buttonClass } from "@/components/ui/button";
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
          <div role="status" className="space-y-2">
            <p className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">{state.message}</p>
            {state.warning && (
              <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">{state.warning}</p>
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
        errorId="platform-error"
      />
      <Field
        id="clientId"
        name="clientId"
        label={text.clientId}
        hint={text.clientIdHint}
        defaultValue={values.clientId}
        autoComplete="off"
        spellCheck={false}
        errors={state.fieldErrors?.clientId}
      />
      <Field
        id="clientSecret"
        name="clientSecret"
        type="password"
        label={text.clientSecret}
        hint={secretSavedNote ?? text.clientSecretHint}
        autoComplete="off"
        spellCheck={false}
        errors={state.fieldErrors?.clientSecret}
      />
      <Field
        id="accountDomain"
        name="accountDomain"
        label={text.accountDomain}
        hint={text.accountDomainHint}
        defaultValue={values.accountDomain}
        autoComplete="off"
        spellCheck={false}
        errors={state.fieldErrors?.accountDomain}
      />
      <button
        type="submit"
        disabled={pending}
        className={buttonClass("primary")}
      >
        {pending ? text.submitting : text.submit}
      </button>
    </form>
  );
}
