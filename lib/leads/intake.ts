import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { findActiveApiKey } from "@/lib/db/api-keys";
import { acceptLead, type StoredAnswer } from "@/lib/db/leads";
import { admitToSharedMinute } from "@/lib/db/lead-rate-buckets";
import { databaseEngine, getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { parseLeadInput, type LeadFieldError } from "./input";
import { admitToWindow } from "./rate-window";
import { notifyLeadQueued } from "./wake";

/**
 * `POST /api/v1/leads` (interfaces.md, "Website leads"): key, content type, size, rate, idempotency key, body, in
 * that order, each refusal a typed AppError; then one write transaction stores the lead (and its replayable answer)
 * before the 202 leaves. A crash after the 202 loses nothing: the lead is already committed.
 */

export const MAX_BODY_BYTES = 64 * 1024;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A refused body: the fields with their problems, translated by the route in the request's language. */
export class LeadInputError extends AppError {
  constructor(readonly fields: LeadFieldError[]) {
    super("invalid_input");
  }
}

export interface IntakeAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export async function acceptLeadRequest(request: Request, { now = new Date() }: { now?: Date } = {}): Promise<IntakeAnswer> {
  const apiKey = await authenticate(request);
  if (!isJson(request.headers.get("content-type"))) throw new AppError("unsupported_media_type");
  // SQLite: this process's window, no statement. PostgreSQL: the minute's count shared by every server.
  if (databaseEngine() === "postgres") await checkSharedRate(apiKey.id, now);
  else checkRate(apiKey.id, now);
  const idempotencyKey = request.headers.get("idempotency-key");
  if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new LeadInputError([{ path: "Idempotency-Key", problem: "idempotency_key_invalid" }]);
  }
  const text = await readBody(request);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new LeadInputError([{ path: "", problem: "not_json" }]);
  }
  const parsed = parseLeadInput(body, { defaultCountry: getEnv().leadsDefaultCountry });
  if (!parsed.ok) throw new LeadInputError(parsed.fields);

  const outcome = await acceptLead({
    id: randomUUID(),
    apiKeyId: apiKey.id,
    keyLastUsedAt: apiKey.lastUsedAt,
    lead: parsed.lead,
    idempotency: idempotencyKey === null ? null : { key: idempotencyKey, requestHash: hashBody(body) },
    answer: (id): StoredAnswer => ({ status: 202, body: JSON.stringify({ ok: true, lead: { id, status: "queued" } }) }),
    now,
  });
  if (outcome.kind === "reused") throw new AppError("idempotency_key_reused");
  const id = (JSON.parse(outcome.answer.body) as { lead: { id: string } }).lead.id;
  const headers: Record<string, string> = { Location: `/api/v1/leads/${id}` };
  if (outcome.kind === "replayed") headers["Idempotent-Replayed"] = "true";
  else notifyLeadQueued();
  return { status: outcome.answer.status, body: outcome.answer.body, headers };
}

/** The key of a `Bearer` Authorization header, or invalid_api_key (missing, malformed, unknown or revoked alike). */
export async function authenticate(request: Request) {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const apiKey = match?.[1] ? await findActiveApiKey(match[1]) : null;
  if (!apiKey) throw new AppError("invalid_api_key");
  return apiKey;
}

function isJson(contentType: string | null): boolean {
  return contentType !== null && contentType.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/** The body as text, refusing more than 64 KiB without reading further (whatever Content-Length claims). */
async function readBody(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw new AppError("payload_too_large");
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("payload_too_large");
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new LeadInputError([{ path: "", problem: "not_json" }]);
  }
}

/** The same JSON value always hashes the same, whatever its key order or spacing. */
function hashBody(body: unknown): string {
  return createHash("sha256").update(canonicalJson(body)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

// Per key, the start times of accepted requests in the last minute (a sliding window, in this process: SQLite).
const recent = (globalThis as unknown as { amocrmLeadRate?: Map<string, number[]> });
const WINDOW_MS = 60_000;

function checkRate(apiKeyId: string, now: Date): void {
  recent.amocrmLeadRate ??= new Map();
  let starts = recent.amocrmLeadRate.get(apiKeyId);
  if (!starts) {
    starts = [];
    recent.amocrmLeadRate.set(apiKeyId, starts);
  }
  const answer = admitToWindow(starts, { at: now.getTime(), limit: getEnv().leadsRatePerMinute, windowMs: WINDOW_MS });
  if (!answer.ok) throw new AppError("throttled", {}, { retryAfterSeconds: answer.retryAfterSeconds });
}

async function checkSharedRate(apiKeyId: string, now: Date): Promise<void> {
  const answer = await admitToSharedMinute({ apiKeyId, now, limit: getEnv().leadsRatePerMinute });
  if (!answer.ok) throw new AppError("throttled", {}, { retryAfterSeconds: answer.retryAfterSeconds });
}
