import { z } from "zod";
import { CLIENT_ID_PATTERN, CLIENT_SECRET_USUAL_PATTERN, isPlatform, normalizeAccountAddress } from "./platform";

/**
 * The credentials form's rules, with message keys (connect.errors.*) instead of texts so the same schema serves
 * every language and the property tests. Pure: no server-only imports.
 */
export type CredentialsErrorKey =
  | "platform"
  | "clientIdRequired"
  | "clientIdFormat"
  | "secretRequired"
  | "secretWhitespace"
  | "secretTooLong"
  | "accountInvalid"
  | "accountOtherPlatform";

/**
 * `platform` is the raw value the admin chose: the account address is checked against it inside its own field, so
 * every field's error shows at once.
 */
export function credentialsSchema({ hasSavedSecret, platform }: { hasSavedSecret: boolean; platform: string }) {
  return z
    .object({
      platform: z.string().refine(isPlatform, { message: "platform" satisfies CredentialsErrorKey }),
      clientId: z
        .string()
        .trim()
        .min(1, "clientIdRequired" satisfies CredentialsErrorKey)
        .regex(CLIENT_ID_PATTERN, "clientIdFormat" satisfies CredentialsErrorKey)
        .transform((value) => value.toLowerCase()),
      clientSecret: z
        .string()
        .trim()
        .max(512, "secretTooLong" satisfies CredentialsErrorKey)
        .refine((value) => !/\s/.test(value), { message: "secretWhitespace" satisfies CredentialsErrorKey })
        .refine((value) => value !== "" || hasSavedSecret, { message: "secretRequired" satisfies CredentialsErrorKey }),
      accountDomain: z
        .string()
        .max(512, "accountInvalid" satisfies CredentialsErrorKey)
        .transform((value, context): string | null => {
          if (value.trim() === "" || !isPlatform(platform)) return null;
          const address = normalizeAccountAddress(value, platform);
          if (address.ok) return address.host;
          const reason: CredentialsErrorKey = address.reason === "other_platform" ? "accountOtherPlatform" : "accountInvalid";
          context.addIssue({ code: "custom", message: reason });
          return z.NEVER;
        }),
    })
    .transform((value) => ({
      platform: value.platform as "amocrm.ru" | "kommo.com",
      clientId: value.clientId,
      clientSecret: value.clientSecret === "" ? undefined : value.clientSecret,
      expectedAccountHost: value.accountDomain,
      secretLooksUnusual: value.clientSecret !== "" && !CLIENT_SECRET_USUAL_PATTERN.test(value.clientSecret),
    }));
}

/** A form field as a string; a missing or non-text field (a file upload included) becomes "". */
export function formText(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

/** Reads the credentials form's fields as strings. */
export function credentialsInput(formData: FormData) {
  const text = (name: string) => formText(formData, name);
  return {
    platform: text("platform"),
    clientId: text("clientId"),
    clientSecret: text("clientSecret"),
    accountDomain: text("accountDomain"),
  };
}
