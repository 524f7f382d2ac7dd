import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { getConnection, readAccessToken, readSecrets, recordRefreshIntent } from "@/lib/db/connection";
import type { Actor } from "@/lib/db/events";
import { tryAcquireLease, type Lease } from "@/lib/db/lease";
import type { Connection } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { isErrorCode } from "@/lib/error-codes";
import { AppError } from "@/lib/errors";
import { backoffSecondsLeft, isInBackoff, refreshFailureEvent, whyNoRefresh, whyTokenUnusable } from "./connection-state";
import { withRateLimitRetry } from "./http";
import { readAccessTokenClaims, refreshTokens, type TokenSet } from "./oauth";
import { looksLikeRenamedAccount, lookupCurrentAccountHost } from "./subdomain";
import { applyConnectionEvent } from "./transitions";

/**
 * One token refresh, under the `amocrm-refresh` lease so that exactly one runs at a time across every process that
 * shares the database. It records its intent first and stores the new pair only while the row still has the
 * generation it started from, so a crash or a lost race never burns the refresh token silently (docs/amocrm-contract.md §3.3).
 */

export interface AccessToken {
  accessToken: string;
  accessTokenExpiresAt: Date | null;
  accountHost: string;
  mode: "oauth" | "long_lived";
  /** The stored generation this token belongs to; pass it back to refreshAfterUnauthorized after a 401. */
  generation: number;
}

export type RefreshReason = "expiry" | "unauthorized" | "admin" | "keepalive" | "interrupted";

/**
 * The one test seam of the token lifecycle: tests set `afterProviderAnswer` to act (crash, throw) after amoCRM
 * answered a refresh and before the new pair is committed, then unset it. Production code never sets it.
 */
export const refreshTestSeam: { afterProviderAnswer?: () => unknown } = {};

const REFRESH_LEASE = "amocrm-refresh";
const LEASE_POLL_MS = 100;
// A refresh is at most a few 15-second calls; a dead holder's lease expires within lib/db/lease's TTL.
const LEASE_WAIT_LIMIT_MS = 75_000;

/** The stored access token, or the AppError that says why there is none to use. */
export function usableToken(row: Connection | undefined): AccessToken {
  const unusable = whyTokenUnusable(row);
  if (unusable || !row?.accountHost) throw new AppError(unusable ?? "not_connected");
  const accessToken = readAccessToken(row);
  if (!accessToken) throw new AppError("not_connected");
  return {
    accessToken,
    accessTokenExpiresAt: row.accessTokenExpiresAt,
    accountHost: row.accountHost,
    mode: row.mode,
    generation: row.generation,
  };
}

/**
 * During a backoff wait: the last failure again, with the facts it was recorded with (amoCRM's status, hint, what
 * kind of body came back) so its message names the real cause, and how long until the next attempt.
 */
export function backoffError(row: Connection, now: Date): AppError {
  const code = row.lastErrorCode && isErrorCode(row.lastErrorCode) ? row.lastErrorCode : "provider_error";
  return new AppError(code, recordedFacts(row.lastErrorDetail), { retryAfterSeconds: backoffSecondsLeft(row, now) });
}

function recordedFacts(stored: string | null): Record<string, string | number> {
  const facts: Record<string, string | number> = {};
  try {
    const parsed: unknown = stored ? JSON.parse(stored) : null;
    if (!parsed || typeof parsed !== "object") return facts;
    for (const key of ["status", "hint", "body"] as const) {
      const value: unknown = (parsed as Record<string, unknown>)[key];
      if (typeof value === "string" || typeof value === "number") facts[key] = value;
    }
  } catch {
    // An unreadable detail only loses the facts, not the error.
  }
  return facts;
}

export interface RefreshInput {
  /**
   * The generation the caller saw. While waiting for the lease, a moved generation means another refresh stored a
   * newer pair: that one is returned and amoCRM is not asked again. Undefined (the admin's refresh-now): refresh
   * whatever is stored once the lease is ours.
   */
  fromGeneration: number | undefined;
  reason: RefreshReason;
  ignoreBackoff: boolean;
  actor: Actor;
  now: Date;
}

/** Takes the refresh lease (waiting for its holder), or returns the newer stored token another holder made. */
async function acquireRefreshLease(fromGeneration: number | undefined): Promise<Lease | AccessToken> {
  const deadline = Date.now() + LEASE_WAIT_LIMIT_MS;
  for (;;) {
    if (fromGeneration !== undefined) {
      const row = await getConnection();
      if (!row || row.generation !== fromGeneration) return usableToken(row);
    }
    const lease = await tryAcquireLease(REFRESH_LEASE);
    if (lease) return lease;
    if (Date.now() > deadline) throw new AppError("provider_timeout");
    await sleep(LEASE_POLL_MS);
  }
}

export async function refreshUnderLease(input: RefreshInput): Promise<AccessToken> {
  const lease = await acquireRefreshLease(input.fromGeneration);
  if (!("release" in lease)) return lease;
  try {
    return await refreshLocked(input, lease.signal);
  } finally {
    await lease.release();
  }
}

async function refreshLocked(input: RefreshInput, signal: AbortSignal): Promise<AccessToken> {
  const { now } = input;
  // Re-read under the lease: whoever held it before may have refreshed already.
  const row = await getConnection();
  if (!row || (input.fromGeneration !== undefined && row.generation !== input.fromGeneration)) return usableToken(row);
  const refusal = whyNoRefresh(row);
  if (refusal) throw new AppError(refusal);
  if (!input.ignoreBackoff && isInBackoff(row, now)) throw backoffError(row, now);
  const secrets = readSecrets(row);
  if (!row.clientId || !secrets.clientSecret) throw new AppError("not_configured");
  if (!secrets.refreshToken || !row.accountHost) throw new AppError("not_connected");

  if (!(await recordRefreshIntent({ generation: row.generation, now }))) return usableToken(await getConnection());
  let tokens: TokenSet;
  try {
    signal.throwIfAborted();
    tokens = await requestRefresh({
      row,
      accountHost: row.accountHost,
      clientId: row.clientId,
      clientSecret: secrets.clientSecret,
      refreshToken: secrets.refreshToken,
      accessToken: secrets.accessToken,
      input,
      signal,
    });
  } catch (error) {
    return handleRefreshFailure(error, row, input, signal);
  }
  await refreshTestSeam.afterProviderAnswer?.();

  // Stored even if the lease was lost meanwhile: amoCRM already rotated the pair, and the generation check keeps a
  // newer pair stored by the lease's next holder from being overwritten.
  const { applied } = await applyConnectionEvent({
    event: { type: "refreshed" },
    now,
    actor: input.actor,
    ifGeneration: row.generation,
    tokens,
    fields: tokens.claims.apiDomain ? { apiDomain: tokens.claims.apiDomain } : {},
    details: { reason: input.reason, generation: row.generation + 1, accessTokenExpiresAt: tokens.accessTokenExpiresAt.toISOString() },
  });
  if (applied) console.info(`[amocrm] access token refreshed (${input.reason})`);
  // Not stored means the row moved under us (a re-authorization, a disconnect): what is stored now wins.
  return usableToken(await getConnection());
}

interface RefreshRequest {
  row: Connection;
  accountHost: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  accessToken: string | null;
  input: RefreshInput;
  signal: AbortSignal;
}

/** amoCRM refused the Redirect URI sent (or, with the older 401 "Некорректный клиент", most likely it: §9.11). */
function refusedRedirectUri(error: unknown): boolean {
  return error instanceof AppError && (error.code === "redirect_uri_mismatch" || error.code === "client_auth_failed");
}

/**
 * The refresh call itself, with one in-place retry on a short 429, one retry with the Redirect URI stored at consent
 * when amoCRM refuses the current one, and one retry on the new host after a rename.
 */
async function requestRefresh(request: RefreshRequest): Promise<TokenSet> {
  const { row, input, signal } = request;
  const sendWith = (host: string, redirectUri: string) =>
    withRateLimitRetry(() =>
      refreshTokens({
        host,
        clientId: request.clientId,
        clientSecret: request.clientSecret,
        redirectUri,
        refreshToken: request.refreshToken,
        now: () => input.now,
        signal,
      }),
    );
  // The Redirect URI must equal the one registered in the integration (docs/amocrm-contract.md §3.1, §9.2). After
  // APP_URL changed, the admin registers the new one there: send the deployment's current Redirect URI first, and
  // the one stored at consent once more if amoCRM refuses it (the integration still has the old address).
  const send = async (host: string) => {
    const current = getEnv().redirectUri;
    try {
      return await sendWith(host, current);
    } catch (error) {
      const stored = row.redirectUri;
      if (!stored || stored === current || !refusedRedirectUri(error)) throw error;
      console.warn("[amocrm] amoCRM refused the current Redirect URI on refresh; retrying once with the one stored at consent");
      signal.throwIfAborted();
      return sendWith(host, stored);
    }
  };
  try {
    return await send(request.accountHost);
  } catch (error) {
    if (!looksLikeRenamedAccount(error)) throw error;
    const currentHost = await moveToCurrentHost({
      row,
      refreshToken: request.refreshToken,
      accessToken: request.accessToken,
      actor: input.actor,
      now: input.now,
    });
    if (!currentHost) throw error;
    console.info("[amocrm] the account was renamed; retrying the refresh on its new host");
    signal.throwIfAborted();
    return send(currentHost);
  }
}

/**
 * After the stored host answered like a renamed account (docs/amocrm-contract.md §9.4): asks amoCRM for the account's
 * current host and, when it is another one, records the move through the state machine (`account_moved`, shown on
 * /status) and stores it. Returns the current host, or null when amoCRM does not name another one (nothing changes).
 */
export async function moveToCurrentHost({
  row,
  refreshToken,
  accessToken,
  actor,
  now,
}: {
  row: Connection;
  refreshToken: string;
  accessToken: string | null;
  actor: Actor;
  now: Date;
}): Promise<string | null> {
  const apiDomain = row.apiDomain ?? (accessToken ? readAccessTokenClaims(accessToken).apiDomain : undefined);
  if (!apiDomain || !row.accountHost) return null;
  const current = await lookupCurrentAccountHost({ apiDomain, refreshToken, platform: row.platform, accountId: row.accountId }).catch(() => null);
  if (!current || current.host === row.accountHost) return null;
  await applyConnectionEvent({
    event: { type: "account_moved", previousHost: row.accountHost, accountHost: current.host },
    now,
    actor,
    fields: { accountHost: current.host, accountSubdomain: current.subdomain },
    details: { previousHost: row.accountHost, accountHost: current.host },
  });
  return current.host;
}

/**
 * Records a failed refresh through the state machine and decides what the caller gets. A refused token first
 * re-reads the row: if another process stored a newer pair meanwhile, that one is used (the refusal was ours
 * burning a superseded token).
 */
async function handleRefreshFailure(error: unknown, row: Connection, input: RefreshInput, signal: AbortSignal): Promise<AccessToken> {
  // Anything but an answer we understand leaves the intent behind: the dangling-intent check sorts it out. So does
  // a lost lease: the outcome is not ours to record any more.
  if (!(error instanceof AppError)) throw error;
  if (signal.aborted) throw new AppError("provider_timeout");
  const detail: Record<string, string | number> = { reason: input.reason };
  if (typeof error.detail.status === "number") detail.status = error.detail.status;
  if (typeof error.detail.hint === "string") detail.hint = error.detail.hint;
  if (typeof error.detail.body === "string") detail.body = error.detail.body;
  const event = refreshFailureEvent({ code: error.code, detail, retryAfterSeconds: error.retryAfterSeconds });
  if (event.type === "permanent_failure") {
    const latest = await getConnection();
    if (latest && latest.generation !== row.generation) return usableToken(latest);
  }

  const { applied, transition } = await applyConnectionEvent({
    event,
    now: input.now,
    actor: input.actor,
    ifGeneration: row.generation,
    details: (next) => ({
      code: error.code,
      state: next.state,
      failureCount: next.failureCount,
      nextRetryAt: next.nextRetryAt?.toISOString() ?? null,
      ...detail,
    }),
  });
  if (!applied || !transition) return usableToken(await getConnection());
  const { nextRetryAt } = transition.next;
  console.warn(
    `[amocrm] token refresh failed (${input.reason}): ${error.code}; ` +
      (nextRetryAt ? `next attempt at ${nextRetryAt.toISOString()}` : "re-authorization needed"),
  );
  if (!nextRetryAt) throw error;
  throw new AppError(error.code, error.detail, { retryAfterSeconds: Math.ceil((nextRetryAt.getTime() - input.now.getTime()) / 1000) });
}
