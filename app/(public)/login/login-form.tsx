"use client";

import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
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
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-800">
          {text.email}
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={state.email}
          aria-describedby={error ? "login-error" : undefined}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-sky-600 focus:outline-2 focus:outline-sky-600"
        />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-800">
          {text.password}
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-describedby={error ? "login-error" : undefined}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-sky-600 focus:outline-2 focus:outline-sky-600"
        />
      </div>
      <button
        type="submit"
        disabled={pending}
        className={`${buttonClass("primary")} w-full`}
      >
        {pending ? text.submitting : text.submit}
      </button>
    </form>
  );
}
