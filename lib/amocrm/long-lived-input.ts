import { z } from "zod";
import { isPlatform, normalizeAccountAddress } from "./platform";

/**
 * The long-lived token form's rules, with message keys under `connect.` instead of texts. `platform` is the raw
 * chosen value, so the address is checked in its own field and every error shows at once. Pure.
 */
export function longLivedSchema({ platform }: { platform: string }) {
  return z.object({
    platform: z
      .string()
      .refine(isPlatform, { message: "errors.platform" })
      .transform((value) => value as "amocrm.ru" | "kommo.com"),
    accountHost: z
      .string()
      .max(512, "errors.accountInvalid")
      .transform((value, context) => {
        const address = normalizeAccountAddress(value, isPlatform(platform) ? platform : "amocrm.ru");
        if (address.ok) return address.host;
        context.addIssue({
          code: "custom",
          message: address.reason === "other_platform" ? "errors.accountOtherPlatform" : "errors.accountInvalid",
        });
        return z.NEVER;
      }),
    token: z
      .string()
      .trim()
      .min(1, "longLived.tokenRequired")
      .max(20_000, "longLived.tokenInvalid")
      .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "longLived.tokenInvalid"),
  });
}
