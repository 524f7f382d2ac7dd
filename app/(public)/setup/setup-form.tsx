"use client";

import { Button } from "@/components/ui/button";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { setupAction, type SetupState } from "./actions";

export function SetupForm({
  token,
  text,
}: {
  token: string;
  text: { email: string; password: string; passwordHint: string; confirm: string; submit: string };
}) {
  const [state, action, pending] = useActionState<SetupState, FormData>(setupAction, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <div aria-live="assertive">
        {state.formError && (
          <Alert tone="error" role={null}>
            {state.formError}
          </Alert>
        )}
      </div>
      <Field name="email" type="email" autoComplete="username" required label={text.email} defaultValue={state.email} errors={state.fieldErrors?.email} />
      <Field name="password" type="password" autoComplete="new-password" required label={text.password} hint={text.passwordHint} errors={state.fieldErrors?.password} />
      <Field name="confirm" type="password" autoComplete="new-password" required label={text.confirm} errors={state.fieldErrors?.confirm} />
      <Button type="submit" disabled={pending} className="w-full">
        {text.submit}
      </Button>
    </form>
  );
}
