"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import type { FieldErrors } from "@/components/ui/field";
import { connectLongLivedToken } from "@/lib/amocrm/long-lived";
import { formText } from "@/lib/amocrm/credentials";
import { longLivedSchema } from "@/lib/amocrm/long-lived-input";
import { requireAdmin } from "@/lib/auth/session";
import { toAppError } from "@/lib/errors";
import { describeError } from "@/lib/i18n/errors";

export type LongLivedFormState = {
  status?: "connected" | "invalid" | "failed";
  message?: string;
  /** Keyed by input name, like every form's errors. */
  fieldErrors?: FieldErrors<"longLivedPlatform" | "longLivedAccountDomain" | "longLivedToken">;
  values?: { platform: string; accountDomain: string };
};

export async function connectLongLivedAction(_prev: LongLivedFormState, formData: FormData): Promise<LongLivedFormState> {
  const admin = await requireAdmin();
  const t = await getTranslations("connect");
  const text = (name: string) => formText(formData, name);
  // Field names differ from the credentials form's, so each name on /connect belongs to one input.
  const input = { platform: text("longLivedPlatform"), accountHost: text("longLivedAccountDomain"), token: text("longLivedToken") };
  const values = { platform: input.platform, accountDomain: input.accountHost.slice(0, 512) };
  const parsed = longLivedSchema({ platform: input.platform }).safeParse(input);
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
    const translate = (keys?: string[]) => keys?.map((key) => t(key as Parameters<typeof t>[0]));
    return {
      status: "invalid",
      fieldErrors: {
        longLivedPlatform: translate(fieldErrors.platform),
        longLivedAccountDomain: translate(fieldErrors.accountHost),
        longLivedToken: translate(fieldErrors.token),
      },
      values,
    };
  }
  try {
    await connectLongLivedToken({
      platform: parsed.data.platform,
      accountAddressHost: parsed.data.accountHost,
      token: parsed.data.token,
      actorEmail: admin.email,
    });
  } catch (error) {
    const appError = toAppError(error);
    if (!appError) throw error;
    return { status: "failed", message: await describeError(appError.code, appError.detail), values };
  }
  revalidatePath("/connect");
  revalidatePath("/status");
  return { status: "connected", message: t("longLived.connected"), values: { platform: parsed.data.platform, accountDomain: parsed.data.accountHost } };
}
