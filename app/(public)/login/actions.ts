"use server";

import { AuthError } from "next-auth";
import { getTranslations } from "next-intl/server";
import { signIn } from "@/auth";
import { safeRedirectPath } from "@/lib/auth/redirect";

/** The message is translated here, on the server, so the form needs no message catalogue. */
export type LoginState = { error?: string; email?: string };

export async function loginAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get("email") ?? "").slice(0, 320);
  try {
    await signIn("credentials", {
      email,
      password: String(formData.get("password") ?? ""),
      redirectTo: safeRedirectPath(formData.get("callbackUrl")),
    });
  } catch (error) {
    // signIn redirects by throwing NEXT_REDIRECT on success: only Auth.js errors are ours to handle.
    if (!(error instanceof AuthError)) throw error;
    const code = "code" in error && typeof error.code === "string" ? error.code : "";
    const t = await getTranslations("auth.login");
    if (code.startsWith("throttled:")) {
      const minutes = Math.max(1, Math.ceil(Number(code.slice("throttled:".length)) / 60));
      return { error: t("throttled", { minutes }), email };
    }
    return { error: t("invalid"), email };
  }
  return {};
}
