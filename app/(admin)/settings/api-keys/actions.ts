"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { API_KEYS_HREF, GUIDE_HREF } from "@/components/guide/steps";
import type { FieldErrors } from "@/components/ui/field";
import { requireAdmin } from "@/lib/auth/session";
import { API_KEY_NAME_MAX, createApiKey, revokeApiKey } from "@/lib/db/api-keys";
import { apiKeyNameSchema, type ApiKeyNameErrorKey } from "@/lib/leads/api-key-input";

export type CreateApiKeyState = {
  status?: "created" | "invalid";
  fieldErrors?: FieldErrors<"name">;
  /** What the admin typed, so a refused name can be corrected rather than retyped. */
  values?: { name: string };
  /**
   * The new key, in this one answer only: interfaces.md has it shown once, so it travels back to the browser that
   * asked for it and nowhere else (no cookie, no URL, no log); the database keeps only its hash.
   */
  created?: { key: string; title: string };
};

export async function createApiKeyAction(_prev: CreateApiKeyState, formData: FormData): Promise<CreateApiKeyState> {
  const admin = await requireAdmin();
  const t = await getTranslations("apiKeys");
  const raw = formData.get("name");
  const name = typeof raw === "string" ? raw : "";
  const parsed = apiKeyNameSchema.safeParse({ name });
  if (!parsed.success) {
    const keys = (z.flattenError(parsed.error).fieldErrors.name ?? []) as ApiKeyNameErrorKey[];
    return {
      status: "invalid",
      fieldErrors: { name: keys.map((key) => t(`errors.${key}`, { max: API_KEY_NAME_MAX })) },
      values: { name: name.slice(0, API_KEY_NAME_MAX * 2) },
    };
  }
  const { key, apiKey } = await createApiKey({ name: parsed.data.name, createdBy: admin.email });
  revalidatePath(API_KEYS_HREF);
  revalidatePath(GUIDE_HREF, "layout");
  return { status: "created", created: { key, title: t("create.createdTitle", { name: apiKey.name }) } };
}

export type RevokeApiKeyState = { status?: "revoked" | "failed"; message?: string };

const revokeSchema = z.object({ id: z.uuid() });

/** Revokes one key at once; the list shows it as revoked from then on. */
export async function revokeApiKeyAction(_prev: RevokeApiKeyState, formData: FormData): Promise<RevokeApiKeyState> {
  await requireAdmin();
  const parsed = revokeSchema.safeParse({ id: formData.get("id") });
  const revoked = parsed.success && (await revokeApiKey({ id: parsed.data.id }));
  if (!revoked) {
    const t = await getTranslations("apiKeys");
    return { status: "failed", message: t("revoke.failed") };
  }
  revalidatePath(API_KEYS_HREF);
  revalidatePath(GUIDE_HREF, "layout");
  return { status: "revoked" };
}
