"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { signIn } from "@/auth";
import { throttledWaitSeconds } from "@/lib/auth/next-auth";
import { safeRedirectPath } from "@/lib/auth/redirect";

/**
 * The message is translated here, on the server, so the form needs no message catalogue. `navigateTo` asks the
 * browser for a full navigation: a route handler (the OAuth callback resuming after sign-in) cannot be reached by
 * the client router's soft redirect.
 */
export type LoginState = { error?: string; email?: string; navigateTo?: string };

export async function loginAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get("email") ?? "").slice(0, 320);
  const target = safeRedirectPath(formData.get("callbackUrl"));
  try {
    await signIn("credentials", { email, password: String(formData.get("password") ?? ""), redirect: false });
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    const t = await getTranslations("auth.login");
    const waitSeconds = throttledWaitSeconds(error);
    if (waitSeconds !== null) {
      const minutes = Math.max(1, Math.ceil(waitSeconds / 60));
      return { error: t("throttled", { minutes }), email };
    }
    return { error: t("invalid"), email };
  }
  if (target.startsWith("/api/")) return { navigateTo: target };
  redirect(target);
}
