import "server-only";
import { getTranslations } from "next-intl/server";
import { AppError, toAppError } from "@/lib/errors";
import { json, jsonError } from "@/lib/http/route";
import { describeError } from "@/lib/i18n/errors";
import { LeadInputError } from "./intake";

/**
 * Error answers of the site's leads API: the JSON error shape of interfaces.md, in the request's language, with
 * `error.fields` for a refused body. Anything that is not an AppError here can only be the database or the key
 * store failing, so it is `database_unavailable` (503), never a 500 with a trace.
 */
export async function leadsJsonError(error: unknown): Promise<Response> {
  if (error instanceof LeadInputError) {
    const t = await getTranslations("leads.api.fields");
    const fields = error.fields.map((field) => ({ path: field.path, message: t(field.problem, field.values ?? {}) }));
    return json({ ok: false, error: { code: "invalid_input", message: await describeError("invalid_input"), fields } }, 422);
  }
  if (toAppError(error)) return jsonError(error);
  console.error(`[leads] request failed: ${error instanceof Error ? error.name : typeof error}`);
  return jsonError(new AppError("database_unavailable"));
}
