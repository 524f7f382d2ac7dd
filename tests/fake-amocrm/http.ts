// Small node:http helpers: body reading/parsing and safe response writing.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Problem } from "./problems";
import { PROBLEM_JSON } from "./problems";

const MAX_BODY_BYTES = 1_000_000;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError("request body too large");
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Token-endpoint params from a JSON or form-urlencoded body (amoCRM accepts both, docs/amocrm-contract.md §3.1).
 * Non-string JSON values are ignored, the way a strict OAuth server would treat them as missing.
 */
export function parseParams(raw: string, contentType: string | undefined): Record<string, string> {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const looksJson = type.endsWith("json") || (type === "" && raw.trimStart().startsWith("{"));
  const out: Record<string, string> = {};
  if (looksJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return out;
    }
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === "string") out[key] = value;
      }
    }
    return out;
  }
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!(key in out)) out[key] = value;
  }
  return out;
}

/** Writes once; silently drops the answer if the client already went away (e.g. after a timeout fault). */
export function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, contentType = "application/json"): void {
  send(res, status, JSON.stringify(value), contentType);
}

export function sendProblem(res: ServerResponse, problem: Problem): void {
  sendJson(res, problem.status, problem.body, PROBLEM_JSON);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  send(res, status, html, "text/html; charset=utf-8");
}

export function redirect(res: ServerResponse, location: string, status: 301 | 302 = 302): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { Location: location, "Content-Length": 0, "Cache-Control": "no-store" });
  res.end();
}

/** An answer computed before it is sent (leads handlers; a "process, then fail" fault drops it). */
export interface Reply {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

/** amoCRM's success type for the API (docs/amocrm-contract.md §5.1, §11). */
export const HAL_JSON = "application/hal+json";

export function halReply(status: number, value: unknown): Reply {
  return { status, body: JSON.stringify(value), contentType: HAL_JSON };
}

export function problemReply(problem: Problem): Reply {
  return { status: problem.status, body: JSON.stringify(problem.body), contentType: PROBLEM_JSON };
}

/** An empty list: 204 with no body and no Content-Type (docs/amocrm-contract.md §11.5). */
export function noContent(): Reply {
  return { status: 204, body: "", contentType: "" };
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.status === 204) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(204, { "Cache-Control": "no-store", ...reply.headers });
    res.end();
    return;
  }
  send(res, reply.status, reply.body, reply.contentType, reply.headers);
}
