"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import type { FieldErrors } from "@/components/ui/field";
import { signIn } from "@/auth";
import { hashPassword, PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { forgetSetupLink } from "@/lib/auth/setup-link";
import { createFirstAdminWithToken } from "@/lib/db/setup-tokens";
import { getEnv } from "@/lib/env";

export type SetupState = {
  fieldErrors?: FieldErrors<"email" | "password" | "confirm">;
  formError?: string;
  email?: string;
};

export async function setupAction(_prev: SetupState, formData: FormData): Promise<SetupState> {
  const t = await getTranslations("auth.setup");
  const schema = z
    .object({
      token: z.string().min(1).max(200),
      email: z.string().trim().toLowerCase().max(320).pipe(z.email(t("emailInvalid"))),
      password: z.string().min(PASSWORD_MIN_LENGTH, t("passwordShort", { min: PASSWORD_MIN_LENGTH })).max(1024),
      confirm: z.string().max(1024),
    })
    .refine((value) => value.password === value.confirm, { message: t("passwordMismatch"), path: ["confirm"] });
  const input = {
    token: String(formData.get("token") ?? ""),
    email: String(formData.get("email") ?? ""),
    password: String(formData.get("password") ?? ""),
    confirm: String(formData.get("confirm") ?? ""),
  };
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return { fieldErrors: z.flattenError(parsed.error).fieldErrors, email: input.email.slice(0, 320) };
  }
  const admin = await createFirstAdminWithToken({
    token: parsed.data.token,
    email: parsed.data.email,
    passwordHash: await hashPassword(parsed.data.password),
  });
  if (!admin) return { formError: t("invalidLink") };
  console.info("[setup] first admin created through the setup link");
  forgetSetupLink(getEnv());
  // Redirects (throws NEXT_REDIRECT) on success; kept outside any try/catch.
  await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirectTo: "/guide" });
  return {};
}
