import { z } from "zod";
import { API_KEY_NAME_MAX } from "@/lib/db/api-keys";

/**
 * The "create a site API key" form's rules, with message keys (apiKeys.errors.*) instead of texts so one schema
 * serves every language. The name is trimmed first, so spaces alone are no name.
 */
export type ApiKeyNameErrorKey = "nameRequired" | "nameTooLong";

export const apiKeyNameSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "nameRequired" satisfies ApiKeyNameErrorKey)
    .max(API_KEY_NAME_MAX, "nameTooLong" satisfies ApiKeyNameErrorKey),
});
