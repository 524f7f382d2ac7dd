"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import type { FieldErrors } from "@/components/ui/field";
import { credentialsInput, credentialsSchema } from "@/lib/amocrm/credentials";
import { requireAdmin } from "@/lib/auth/session";
import { saveCredentials } from "@/lib/amocrm/connection";
import { getConnection } from "@/lib/db/connection";

export type CredentialsFormState = {
  status?: "saved" | "invalid";
  message?: string;
  warning?: string;
  fieldErrors?: FieldErrors<"platform" | "clientId" | "clientSecret" | "accountDomain">;
  /** What the admin typed, except the secret, so a failed save loses nothing else. */
  values?: { platform: string; clientId: string; accountDomain: string };
};

export async function saveCredentialsAction(_prev: CredentialsFormState, formData: FormData): Promise<CredentialsFormState> {
  const admin = await requireAdmin();
  const t = await getTranslations("connect");
  const input = credentialsInput(formData);
  const values = { platform: input.platform, clientId: input.clientId.slice(0, 200), accountDomain: input.accountDomain.slice(0, 512) };
  const parsed = credentialsSchema({ hasSavedSecret: Boolean((await getConnection())?.clientSecretEnc), platform: input.platform }).safeParse(input);
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
    const translate = (keys?: string[]) => keys?.map((key) => t(`errors.${key}` as Parameters<typeof t>[0]));
    return {
      status: "invalid",
      fieldErrors: {
        platform: translate(fieldErrors.platform),
        clientId: translate(fieldErrors.clientId),
        clientSecret: translate(fieldErrors.clientSecret),
        accountDomain: translate(fieldErrors.accountDomain),
      },
      values,
    };
  }
  const { secretLooksUnusual, ...credentials } = parsed.data;
  const { reauthorizationNeeded } = await saveCredentials({ ...credentials, actorEmail: admin.email });
  revalidatePath("/connect");
  return {
    status: "saved",
    message: reauthorizationNeeded ? t("savedReauth") : t("saved"),
    warning: secretLooksUnusual ? t("secretFormatWarning") : undefined,
    values: { platform: parsed.data.platform, clientId: parsed.data.clientId, accountDomain: parsed.data.expectedAccountHost ?? "" },
  };
}
