"use client";

import { useActionState } from "react";
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
    <form id="credentials-form" action={action} className="space-y-5" noValidate>
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
      <fieldset aria-describedby={state.fieldErrors?.platform ? "platform-error" : undefined}>
        <legend className="text-sm font-medium text-slate-800">{text.platform}</legend>
        <div className="mt-2 flex flex-wrap gap-3">
          {[
            ["amocrm.ru", text.platformAmocrm],
            ["kommo.com", text.platformKommo],
          ].map(([value, label]) => (
            <label key={value} className="flex items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm has-checked:border-sky-600 has-checked:bg-sky-50">
              <input type="radio" name="platform" value={value} defaultChecked={values.platform === value} className="accent-sky-700" />
              {label}
            </label>
          ))}
        </div>
        <div id="platform-error" aria-live="polite">
          {state.fieldErrors?.platform?.map((error) => (
            <p key={error} className="mt-1 text-sm text-red-700">
              {error}
            </p>
          ))}
        </div>
      </fieldset>
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
        className="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-70 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        {pending ? text.submitting : text.submit}
      </button>
    </form>
  );
}
