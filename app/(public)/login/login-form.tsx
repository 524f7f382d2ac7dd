"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { useActionState, useEffect } from "react";
import { loginAction, type LoginState } from "./actions";

export interface LoginFormText {
  email: string;
  password: string;
  submit: string;
  submitting: string;
}

export function LoginForm({ callbackUrl, text }: { callbackUrl: string; text: LoginFormText }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(loginAction, {});
  const error = state.error;
  useEffect(() => {
    if (state.navigateTo) window.location.assign(state.navigateTo);
  }, [state.navigateTo]);
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <div aria-live="assertive">
        {error && (
          <Alert tone="error" role={null} id="login-error">
            {error}
          </Alert>
        )}
      </div>
      {/* A failed sign-in never says which of the two was wrong: one form-level error describes both inputs. */}
      <Field name="email" type="email" autoComplete="username" required label={text.email} defaultValue={state.email} aria-describedby={error ? "login-error" : undefined} />
      <Field name="password" type="password" autoComplete="current-password" required label={text.password} aria-describedby={error ? "login-error" : undefined} />
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? text.submitting : text.submit}
      </Button>
    </form>
  );
}
