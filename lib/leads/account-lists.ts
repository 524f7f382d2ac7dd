import "server-only";
import { listPipelines, listTrackingFieldCodes, type Pipeline } from "@/lib/amocrm/leads-api";
import { saveUtmFieldCodes } from "@/lib/db/lead-settings";
import { toAppError } from "@/lib/errors";
import type { ErrorCode } from "@/lib/error-codes";

/**
 * The account's pipelines and UTM fields for /settings/leads, read live from amoCRM. A failure (not connected,
 * amoCRM down) is a value the page explains, never an exception that takes the page down with it: the form must
 * stay usable for Incoming leads without amoCRM.
 */

export type LiveList<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; detail: Record<string, string | number> };

async function readLive<T>(read: () => Promise<T>): Promise<LiveList<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    const appError = toAppError(error);
    if (!appError) console.error("[leads] reading from amoCRM for the settings page failed", error);
    return { ok: false, code: appError?.code ?? "provider_error", detail: appError?.detail ?? {} };
  }
}

export function readPipelines(): Promise<LiveList<Pipeline[]>> {
  return readLive(listPipelines);
}

/**
 * The account's UTM field codes. A successful read is also stored, so the delivery worker sends exactly these from
 * its next batch on instead of waiting out its hourly re-read.
 */
export async function readUtmFieldCodes(): Promise<LiveList<string[]>> {
  const codes = await readLive(listTrackingFieldCodes);
  if (codes.ok) await saveUtmFieldCodes({ codes: codes.value });
  return codes;
}
