"use client";

import { useActionState } from "react";
import { PlatformRadios } from "@/components/amocrm/platform-radios";
import { buttonClass } from "@/components/ui/button";
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
          <p
            role={state.status === "connected" ? "status" : "alert"}
            className={`rounded-md border px-3 py-2 text-sm ${state.status === "connected" ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-900"}`}
          >
            {state.message}
          </p>
        )}
      </div>
      <PlatformRadios
        name="longLivedPlatform"
        legend={text.platform}
        labels={{ "amocrm.ru": text.platformAmocrm, "kommo.com": text.platformKommo }}
        defaultValue={values.platform}
        errors={state.fieldErrors?.platform}
        errorId="ll-platform-error"
      />
      <Field id="ll-accountDomain" name="longLivedAccountDomain" label={text.accountDomain} hint={text.accountDomainHint} defaultValue={values.accountDomain} autoComplete="off" spellCheck={false} errors={state.fieldErrors?.accountDomain} />
      <Field id="ll-token" name="longLivedToken" type="password" label={text.token} autoComplete="off" spellCheck={false} errors={state.fieldErrors?.token} />
      <button
        type="submit"
        disabled={pending}
        className={buttonClass("secondary")}
      >
        {text.submit}
      </button>
    </form>
  );
}
