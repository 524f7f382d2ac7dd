import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { amoHttp, providerError, withRateLimitRetry, type AmoHttpRequest, type AmoHttpResponse } from "./http";
import { isRedirectAnswer } from "./subdomain";
import { followRenamedAccount, getAccessToken, refreshAfterUnauthorized, type AccessToken } from "./tokens";

/**
 * The account API for the rest of the server: `amoFetch("/api/v4/...")` with a valid token, JSON in and out.
 * Every call goes through amoHttp (7 rps per account, 15 s timeout, no redirects). A 401 refreshes once and retries
 * once; a 429 asking for at most 10 s is waited out and retried once; anything else non-2xx is a typed AppError.
 */

export interface AmoFetchInit<S extends z.ZodType> {
  method?: AmoHttpRequest["method"];
  /** Sent as the JSON body. */
  json?: unknown;
  /** Validates the 2xx body; a mismatch is malformed_response. Without it `data` is `unknown`. */
  schema?: S;
  timeoutMs?: number;
  /** Decision time for the token's expiry (tests use a fake clock). */
  now?: Date;
  /**
   * An action the admin started (Test connection): a refresh it needs is tried at once, even while the backoff
   * wait after a failure runs. Automatic callers (the lead worker) leave it unset and respect the wait.
   */
  startedByAdmin?: boolean;
}

export interface AmoFetchResult<T> {
  /** The parsed JSON body; null for 204 No Content (amoCRM's answer to an empty list). */
  data: T;
  status: number;
  /** Duration of the final HTTP exchange with amoCRM, without any token refresh before it. */
  latencyMs: number;
}

/**
 * Calls the connected account's API. `path` starts with `/` and may carry a query string.
 * Returns `{ data, status, latencyMs }`; throws AppError (not_connected, needs_reauth, token_revoked,
 * rate_limited with retryAfterSeconds, provider_error, provider_timeout, ...).
 */
export async function amoFetch<S extends z.ZodType = z.ZodUnknown>(
  path: string,
  init: AmoFetchInit<S> = {},
): Promise<AmoFetchResult<z.output<S>>> {
  const { now, startedByAdmin } = init;
  let token = await getAccessToken({ now, startedByAdmin });
  let sent: { response: AmoHttpResponse; latencyMs: number };
  ({ token, sent } = await sendFollowingRename(token, path, init));
  if (sent.response.status === 401) {
    token = await refreshAfterUnauthorized({ rejected: token, now, startedByAdmin });
    sent = await send(token, path, init);
  }
  const { response, latencyMs } = sent;
  if (response.status < 200 || response.status >= 300) throw providerError(response);
  const body = response.status === 204 ? null : response.body;
  if (response.status !== 204 && !response.isJson) throw new AppError("malformed_response");
  // Without a schema S is its default, ZodUnknown: the body is returned as `unknown`.
  if (!init.schema) return { data: body as z.output<S>, status: response.status, latencyMs };
  const parsed = init.schema.safeParse(body);
  if (!parsed.success) throw new AppError("malformed_response");
  return { data: parsed.data, status: response.status, latencyMs };
}

/**
 * Sends once; a 404 or a redirect from the account host may mean the account was renamed (docs/amocrm-contract.md
 * §9.4): then amoCRM is asked for the current host and the call is sent there once. Otherwise the answer stands.
 */
async function sendFollowingRename(
  token: AccessToken,
  path: string,
  init: AmoFetchInit<z.ZodType>,
): Promise<{ token: AccessToken; sent: { response: AmoHttpResponse; latencyMs: number } }> {
  let sent: { response: AmoHttpResponse; latencyMs: number } | undefined;
  try {
    sent = await send(token, path, init);
    if (sent.response.status !== 404) return { token, sent };
  } catch (error) {
    if (!isRedirectAnswer(error)) throw error;
    const moved = await followRenamedAccount({ rejected: token, now: init.now });
    if (!moved) throw error;
    return { token: moved, sent: await send(moved, path, init) };
  }
  const moved = await followRenamedAccount({ rejected: token, now: init.now });
  if (!moved) return { token, sent };
  return { token: moved, sent: await send(moved, path, init) };
}

async function send(
  token: AccessToken,
  path: string,
  init: AmoFetchInit<z.ZodType>,
): Promise<{ response: AmoHttpResponse; latencyMs: number }> {
  let latencyMs = 0;
  const response = await withRateLimitRetry(async () => {
    const startedAt = performance.now();
    const answer = await amoHttp({
      host: token.accountHost,
      path,
      method: init.method ?? "GET",
      json: init.json,
      headers: { Authorization: `Bearer ${token.accessToken}` },
      timeoutMs: init.timeoutMs,
    });
    latencyMs = Math.round(performance.now() - startedAt);
    if (answer.status === 429) throw providerError(answer);
    return answer;
  });
  return { response, latencyMs };
}
