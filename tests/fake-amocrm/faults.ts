// One-shot (or N-shot) canned answers that replace the real handling of matching requests.
import { z } from "zod";
import {
  genericProblem,
  htmlErrorPage,
  nginxErrorHtml,
  oauthHint,
  PROBLEM_JSON,
  tooManyRequests,
  validationFailed,
} from "./problems";

export const FAULT_TARGETS = [
  "token",
  "code",
  "refresh",
  "account",
  "subdomain",
  "consent",
  "api",
  "leads_complex",
  "leads_notes",
  "leads_list",
  "pipelines",
  "custom_fields",
  "any",
] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

export const faultSchema = z.strictObject({
  /**
   * token = any POST /oauth2/access_token; code / refresh = only that grant type;
   * account = GET /api/v4/account; subdomain = both subdomain lookups;
   * consent = /oauth pages; api = every /api/v4 call; leads_complex = POST /api/v4/leads/complex;
   * leads_notes = both notes routes; leads_list = GET /api/v4/leads and /api/v4/leads/{id};
   * pipelines = GET /api/v4/leads/pipelines; custom_fields = GET /api/v4/leads/custom_fields;
   * any = every non-control request.
   */
  target: z.enum(FAULT_TARGETS),
  times: z.number().int().min(1).default(1),
  status: z.number().int().min(100).max(599).optional(),
  /** A string is sent raw; anything else is sent as JSON. */
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  contentType: z.string().min(1).optional(),
  /** Wait before answering; larger than the client's timeout = a timeout. Alone, it only delays the real answer. */
  delayMs: z.number().int().min(0).default(0),
  /** Without a body: the standard OAuth problem body with this hint (status defaults to 400). */
  hint: z.string().optional(),
  /** For 429: the body's retry_after and a Retry-After header. */
  retryAfter: z.number().int().min(0).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Answer `status` (default 503) with nginx's HTML error page instead of a JSON body. */
  html: z.boolean().optional(),
  /** Drop the TCP connection without an answer (the client sees a reset / "socket hang up"). */
  reset: z.boolean().optional(),
  /** Never answer: the request hangs until the client gives up (or the fake closes). */
  hang: z.boolean().optional(),
  /**
   * Handle the request for real first (leads get created, tokens rotate), then answer with the fault:
   * the "amoCRM did it but the answer was lost" case. Without it a faulted request changes nothing.
   */
  process: z.boolean().optional(),
  /** For a 400 without body: the request_id named in the validation-errors body (default "0"). */
  requestId: z.string().optional(),
});
export type FaultInput = z.input<typeof faultSchema>;
export type FaultSpec = z.output<typeof faultSchema>;

export interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

export interface FaultResponse {
  status: number;
  body: string;
  contentType: string;
  headers: Record<string, string>;
}

/** True when the fault only adds latency and the request should then be handled normally. */
export function isDelayOnly(spec: FaultSpec): boolean {
  return (
    spec.status === undefined &&
    spec.body === undefined &&
    spec.hint === undefined &&
    spec.retryAfter === undefined &&
    !spec.html &&
    !spec.reset &&
    !spec.hang
  );
}

/** `htmlStatuses`: the config's `htmlErrorStatuses`, which a status without a body of its own follows. */
export function faultResponse(spec: FaultSpec, htmlStatuses: readonly number[]): FaultResponse {
  const headers: Record<string, string> = { ...(spec.headers ?? {}) };
  if (spec.retryAfter !== undefined) headers["Retry-After"] = String(spec.retryAfter);

  if (spec.body !== undefined) {
    const status = spec.status ?? 500;
    if (typeof spec.body === "string") {
      const guess = spec.body.trimStart().startsWith("<") ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
      return { status, body: spec.body, contentType: spec.contentType ?? guess, headers };
    }
    return { status, body: JSON.stringify(spec.body), contentType: spec.contentType ?? "application/json", headers };
  }

  if (spec.hint !== undefined) {
    const problem = oauthHint(spec.hint, spec.status ?? 400);
    return { status: problem.status, body: JSON.stringify(problem.body), contentType: spec.contentType ?? PROBLEM_JSON, headers };
  }

  const status = spec.status ?? (spec.retryAfter !== undefined ? 429 : spec.html ? 503 : 500);
  if (spec.html) {
    return { status, body: nginxErrorHtml(status), contentType: spec.contentType ?? "text/html", headers };
  }
  if (htmlStatuses.includes(status)) {
    const page = htmlErrorPage(status);
    return { status, body: page.body, contentType: spec.contentType ?? page.contentType, headers };
  }
  const problem =
    status === 429
      ? tooManyRequests(spec.retryAfter ?? 300)
      : status === 400
        ? validationFailed([{ requestId: spec.requestId ?? "0", code: "InjectedFault", path: "", detail: "Injected by the fake" }])
        : genericProblem(status);
  return { status, body: JSON.stringify(problem.body), contentType: spec.contentType ?? PROBLEM_JSON, headers };
}
