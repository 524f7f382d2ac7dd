"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { connectLongLivedAction, type LongLivedFormState } from "./long-lived-actions";

export function LongLivedForm({
  platform,
  text,
}: {
  platform: string;
  text: {
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
    <form id="long-lived-form" action={action} className="space-y-4" noValidate>
      <div aria-live="polite">
        {state.message && (
          <p
            role={state.status === "connected" ? "status" : "alert"}
            className={`rounded-md border px-3 py-2 text-sm ${state.status === "connected" ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-900"}`}
          >
            {state.message}
          </p>
        )}
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">{text.platform}</legend>
        <div className="mt-2 flex flex-wrap gap-3">
          {[
            ["amocrm.ru", text.platformAmocrm],
            ["kommo.com", text.platformKommo],
          ].map(([value, label]) => (
            <label key={value} className="flex items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm has-checked:border-sky-600 has-checked:bg-sky-50">
              <input type="radio" name="longLivedPlatform" value={value} defaultChecked={values.platform === value} className="accent-sky-700" />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      <Field id="ll-accountDomain" name="longLivedAccountDomain" label={text.accountDomain} hint={text.accountDomainHint} defaultValue={values.accountDomain} autoComplete="off" spellCheck={false} errors={state.fieldErrors?.accountDomain} />
      <Field id="ll-token" name="longLivedToken" type="password" label={text.token} autoComplete="off" spellCheck={false} errors={state.fieldErrors?.token} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50 disabled:opacity-70 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        {text.submit}
      </button>
    </form>
  );
}
