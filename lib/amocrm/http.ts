import "server-only";
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { readSharedCallWindow, takeSharedCallStart } from "@/lib/db/amocrm-call-starts";
import { databaseEngine, getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { parseAccountHost } from "./platform";
import { bodyKindOf, mapProviderError, retryAfterOf, type BodyKind } from "./provider-errors";

/**
 * The single way out of this server: every call to amoCRM goes through `amoHttp`, which decides the URL with
 * `resolveOutboundUrl`, refuses redirects, limits the rate per account and gives up after 15 seconds.
 */

export const REQUEST_TIMEOUT_MS = 15_000;
const MAX_REQUESTS_PER_SECOND = 7;
const USER_AGENT = "amoCRM-Connect/1.0";
// amoCRM answers application/hal+json on success and application/problem+json on errors (docs/amocrm-contract.md §5.1,
// §11): ask for HAL first, plain JSON as well. Its HTML pages (login page, nginx errors) arrive whatever is asked.
const ACCEPT = "application/hal+json, application/json";

/**
 * `https://<one label>.amocrm.ru|kommo.com|amocrm.com` + path, or the configured test origin. Anything else is
 * refused and logged, before any socket is opened.
 */
export function resolveOutboundUrl(host: string, path: string): URL {
  if (!parseAccountHost(host) || !path.startsWith("/") || path.startsWith("//")) {
    console.warn("[amocrm] outbound request refused: host is not an amoCRM or Kommo account host");
    throw new AppError("referer_invalid");
  }
  const origin = getEnv().amocrmApiOrigin ?? `https://${host}`;
  return new URL(path, origin);
}

// One sliding window for every call the app makes to amoCRM, token calls included: at most 7 starts in any second
// (docs/amocrm-contract.md §9.8, §11.6). amoCRM counts arrivals, not departures: a call delayed in transit can land
// closer to the next one than it left, so the window is kept a little longer than a second.
//
// On SQLite the window is this process's (one server process holds a SQLite database). On PostgreSQL several servers
// may call amoCRM for the same account at once, so the window lives in the database (lib/db/amocrm-call-starts.ts)
// and holds for all of them together: two servers delivering in parallel still start at most 7 calls a second.
const WINDOW_MS = 1000;
const TRANSIT_SLACK_MS = 100;
// On globalThis: Next may load this module more than once per process, and the limit is the process's.
const limiter = globalThis as unknown as { amocrmCallStarts?: number[] };

const LIMITER_SPAN_MS = WINDOW_MS + TRANSIT_SLACK_MS;

/** Whether the window is shared through the database (PostgreSQL) rather than kept in this process. */
function windowIsShared(): boolean {
  return databaseEngine() === "postgres";
}

/** How long until `calls` more calls could start at once, given the starts inside the window (oldest first). */
function waitInWindow(starts: readonly number[], calls: number, now: number): number {
  const overflow = starts.length + calls - MAX_REQUESTS_PER_SECOND;
  if (overflow <= 0) return 0;
  return LIMITER_SPAN_MS - (now - (starts[overflow - 1] ?? now)) + 1;
}

/** The starts still inside the window, pruned in place; the oldest first. */
function recentStarts(now: number): number[] {
  const starts = (limiter.amocrmCallStarts ?? []).filter((at) => now - at < LIMITER_SPAN_MS);
  limiter.amocrmCallStarts = starts;
  return starts;
}

/** How long until `calls` more calls could start at once: 0 when they could start now. */
async function waitBeforeRoomFor(calls: number): Promise<number> {
  if (windowIsShared()) {
    const { now, starts } = await readSharedCallWindow({ spanMs: LIMITER_SPAN_MS });
    return waitInWindow(starts, calls, now);
  }
  const now = Date.now();
  return waitInWindow(recentStarts(now), calls, now);
}

// On PostgreSQL this process's callers ask the database for a start one at a time, in arrival order: a burst of
// callers then costs one waiting transaction per server, not one each, all woken together and contending for the
// lock, and a start is followed by its request at once instead of after the herd's queries.
const sharedQueue = globalThis as unknown as { amocrmSharedSlotTail?: Promise<void> };

async function takeSharedSlotInTurn(): Promise<void> {
  const previous = sharedQueue.amocrmSharedSlotTail ?? Promise.resolve();
  let done!: () => void;
  sharedQueue.amocrmSharedSlotTail = new Promise<void>((resolve) => (done = resolve));
  try {
    await previous;
    for (;;) {
      const wait = await takeSharedCallStart({ spanMs: LIMITER_SPAN_MS, decide: ({ starts, now }) => waitInWindow(starts, 1, now) });
      if (wait === 0) return;
      await sleep(wait);
    }
  } finally {
    done();
  }
}

async function waitForSlot(): Promise<void> {
  if (windowIsShared()) return takeSharedSlotInTurn();
  for (;;) {
    const now = Date.now();
    const starts = recentStarts(now);
    const wait = waitInWindow(starts, 1, now);
    if (wait === 0) {
      starts.push(now);
      return;
    }
    await sleep(wait);
  }
}

/**
 * Resolves once `calls` calls could start together without the limiter holding any of them back. Takes no slot:
 * for callers (the benchmark) that want to measure a burst of calls apart from the policy's waiting.
 */
export async function waitForCapacity(calls: number): Promise<void> {
  for (let wait = await waitBeforeRoomFor(calls); wait > 0; wait = await waitBeforeRoomFor(calls)) {
    await sleep(wait);
  }
}

export interface AmoHttpRequest {
  host: string;
  path: string;
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  json?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Aborts the request (a refresh whose lease was lost); it then fails as provider_timeout. */
  signal?: AbortSignal;
}

export interface AmoHttpResponse {
  status: number;
  body: unknown;
  /** True when the body was JSON. */
  isJson: boolean;
  /** JSON, an HTML page, an empty body or other text: named in the error's detail when it is not JSON. */
  bodyKind: BodyKind;
  retryAfterSeconds?: number;
}

/** Sends one request; network failures and timeouts become AppErrors, HTTP statuses are returned as they are. */
export async function amoHttp(request: AmoHttpRequest): Promise<AmoHttpResponse> {
  const url = resolveOutboundUrl(request.host, request.path);
  await waitForSlot();
  const headers: Record<string, string> = { "User-Agent": USER_AGENT, Accept: ACCEPT, ...request.headers };
  if (request.json !== undefined) headers["Content-Type"] = "application/json";
  // With a test origin every account host collapses to one address; the fake reads the intended host here.
  if (getEnv().amocrmApiOrigin) headers["X-Amocrm-Account-Host"] = request.host;

  const timeout = AbortSignal.timeout(request.timeoutMs ?? REQUEST_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  let response: RawResponse;
  try {
    response = await send(url, { method: request.method ?? "GET", headers, body: request.json === undefined ? undefined : JSON.stringify(request.json), signal });
  } catch {
    // Both the deadline and the caller's abort end the request through `signal`: anything else is the network.
    const timedOut = signal.aborted;
    console.warn(`[amocrm] ${request.method ?? "GET"} ${request.path} failed: ${timedOut ? "timeout" : "network error"}`);
    throw new AppError(timedOut ? "provider_timeout" : "network_error");
  }

  const { text } = response;
  let body: unknown = text;
  let isJson = false;
  try {
    body = JSON.parse(text);
    isJson = true;
  } catch {
    // Non-JSON bodies (nginx 403 pages, HTML login pages, empty bodies) are kept as text for the mapping.
  }
  const bodyKind = bodyKindOf(text, isJson, headerOf(response, "content-type"));
  if (response.status >= 300 && response.status < 400) {
    console.warn(`[amocrm] ${request.path} answered a redirect (${response.status}); not followed`);
    throw new AppError("provider_error", { status: response.status });
  }
  return { status: response.status, body, isJson, bodyKind, retryAfterSeconds: retryAfterOf(body, headerOf(response, "retry-after")) };
}

/** Turns a non-2xx answer into the matching AppError. */
export function providerError(response: AmoHttpResponse): AppError {
  const mapped = mapProviderError({ status: response.status, body: response.body, retryAfterSeconds: response.retryAfterSeconds });
  const detail: Record<string, string | number> = { status: response.status };
  // Which page or non-answer came back (never its text): the message explains an HTML page or an empty body.
  if (response.bodyKind !== "json") detail.body = response.bodyKind;
  if (mapped.hint) detail.hint = mapped.hint;
  if (mapped.validation) detail.validation = JSON.stringify(mapped.validation);
  return new AppError(mapped.code, detail, { retryAfterSeconds: mapped.retryAfterSeconds });
}

/** The longest `retry_after` honoured by waiting in place; a longer one reaches the caller as rate_limited. */
export const MAX_INLINE_RETRY_AFTER_SECONDS = 10;

/**
 * Runs `send` and, when it fails with rate_limited and amoCRM asked for at most 10 seconds, waits that long and
 * runs it once more (docs/amocrm-contract.md §9.8). A 429 without a usable `retry_after` is not retried: the wait is unknown.
 */
export async function withRateLimitRetry<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const wait = error instanceof AppError && error.code === "rate_limited" ? error.retryAfterSeconds : undefined;
    if (wait === undefined || wait > MAX_INLINE_RETRY_AFTER_SECONDS) throw error;
    console.warn(`[amocrm] rate limited; retrying once in ${wait} s`);
    await sleep(wait * 1000);
    return send();
  }
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

const headerOf = (response: RawResponse, name: string): string | null => {
  const value = response.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
};

// Kept-alive connections per scheme, on globalThis like the limiter: a delivery batch, its notes and the token calls
// reuse one connection instead of opening one each. An idle connection is closed after 4 s, before servers usually
// close theirs (Node's own servers after 5 s).
const agents = globalThis as unknown as { amocrmHttpAgents?: { http: http.Agent; https: https.Agent } };
const IDLE_CONNECTION_MS = 4_000;

/**
 * One request with node:http(s), the whole body read as text. Not `fetch`: it never follows a redirect at all (a
 * redirect could turn the POST into a GET and carry the client secret elsewhere, docs/amocrm-contract.md §9.10), and
 * it costs a fraction of fetch's CPU per call, which the OAuth callback and every delivery batch pay.
 */
function send(url: URL, init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal }, retry = true): Promise<RawResponse> {
  agents.amocrmHttpAgents ??= {
    http: new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
    https: new https.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
  };
  const options = { method: init.method, headers: init.headers, signal: init.signal };
  return new Promise((resolve, reject) => {
    let answered = false;
    const onResponse = (incoming: IncomingMessage) => {
      answered = true;
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("error", reject);
      // A connection cut or aborted mid-body ends with "close" before "end": the answer is incomplete.
      incoming.on("close", () => (incoming.complete ? undefined : reject(new Error("response ended early"))));
      incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text: Buffer.concat(chunks).toString("utf8") }));
    };
    const outgoing =
      url.protocol === "https:"
        ? https.request(url, { ...options, agent: agents.amocrmHttpAgents?.https }, onResponse)
        : http.request(url, { ...options, agent: agents.amocrmHttpAgents?.http }, onResponse);
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive connection closed under a request: most likely the server had closed it as idle just before
      // (Node's documented `reusedSocket` case), but the server may also have handled the request and then dropped the
      // connection. Only a GET is sent once more; a POST fails as a network error, and its caller decides (the lead
      // worker searches amoCRM for the leads before it sends them again).
      if (retry && init.method === "GET" && !answered && outgoing.reusedSocket && error.code === "ECONNRESET" && !init.signal.aborted) {
        resolve(send(url, init, false));
      } else reject(error);
    });
    outgoing.end(init.body);
  });
}
