import "server-only";
import { getTranslations } from "next-intl/server";
import { getEnv } from "@/lib/env";
import { isErrorCode, type ErrorCode } from "@/lib/error-codes";

export type ErrorDescriber = (code: string, detail?: Record<string, string | number>) => string;

/**
 * describeError's translation, loaded once for the request: for lists and downloads that describe an error per row
 * (and for a streamed body, which runs after the request's scope has ended).
 */
export async function getErrorDescriber(): Promise<ErrorDescriber> {
  const t = await getTranslations("errors");
  const env = getEnv();
  return (code, detail = {}) => {
    const known: ErrorCode = isErrorCode(code) ? code : "provider_error";
    return t(known, {
      redirectUri: env.redirectUri,
      hookUrl: env.disconnectHookUrl,
      appOrigin: env.appOrigin,
      host: String(detail.host ?? ""),
      expected: String(detail.expected ?? ""),
      seconds: Number(detail.retryAfterSeconds ?? detail.seconds ?? 0),
      // Messages have their own wording for an error without an HTTP status: never "(HTTP )".
      status: detail.status === undefined || detail.status === "" ? "none" : String(detail.status),
      // What came back instead of JSON (lib/amocrm/http.ts): an HTML page, an empty body, other text.
      body: String(detail.body ?? "json"),
    });
  };
}

/** The admin-facing explanation of an error code, in the request's language, with live values filled in. */
export async function describeError(code: string, detail: Record<string, string | number> = {}): Promise<string> {
  return (await getErrorDescriber())(code, detail);
}
