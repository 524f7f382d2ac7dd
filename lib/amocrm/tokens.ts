import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { getConnection, readAccessToken, readSecrets, type Actor } from "@/lib/db/queries/connection";
import {
  acquireRefreshLease,
  clearRefreshIntent,
  markLongLivedTokenExpired,
  recordRefreshFailure,
  recordRefreshIntent,
  releaseRefreshLease,
  storeRefreshedTokens,
  takeOverRefreshLease,
  updateAccountHost,
} from "@/lib/db/queries/tokens";
import type { Connection, ConnectionState } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { isErrorCode, type ErrorCode } from "@/lib/error-codes";
import { AppError } from "@/lib/errors";
import { withRateLimitRetry } from "./http";
import { readAccessTokenClaims, refreshTokens, type TokenSet } from "./oauth";
import { looksLikeRenamedAccount, lookupCurrentAccountHost } from "./subdomain";

/**
 * The token lifecycle (contract §3.3, §9.1): a valid access token on demand, refreshed ahead of expiry, one refresh
 * at a time per connection, in this process (a shared promise) and across processes sharing the database (a lease on
 * the connection row). A refresh records its intent first and stores the new pair conditionally on the generation
 * it started from, so a crash or a lost race never burns the refresh token silently.
 */

export interface AccessToken {
  accessToken: string;
  accessTokenExpiresAt: Date | null;
  accountHost: string;
  mode: "oauth" | "long_lived";
  /** The stored generation this token belongs to; pass it back to refreshAfterUnauthorized after a 401. */
  generation: number;
}

/** Test seam: runs after amoCRM answered a refresh and before the new pair is committed (crash tests). */
export interface TokenHooks {
  afterProviderAnswer?: () => Promise<void> | void;
}

export type RefreshReason = "expiry" | "unauthorized" | "admin" | "keepalive" | "interrupted";

/** A dangling intent younger than this may belong to a refresh still running elsewhere. */
export const DANGLING_INTENT_AGE_MS = 60_000;

// A refresh is at most a few 15-second calls; the lease outlives one step and is renewed before the next.
const REFRESH_LEASE_TTL_MS = 60_000;
const LEASE_POLL_MS = 100;
const LEASE_WAIT_LIMIT_MS = REFRESH_LEASE_TTL_MS + 15_000;

// ---- Backoff ------------------------------------------------------------------------------------------------

const HOURLY_MS = 60 * 60_000;
const BACKOFF_STEPS_MS: readonly number[] = [30_000, 2 * 60_000, 10 * 60_000, HOURLY_MS];

/** Wait before the next automatic attempt after `failureCount` failures in a row: 30 s, 2 min, 10 min, then hourly. */
export function backoffDelayMs(failureCount: number): number {
  return BACKOFF_STEPS_MS[Math.max(failureCount, 1) - 1] ?? HOURLY_MS;
}

export type RefreshFailureKind = "transient" | "blocked" | "reauth";

const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "provider_error",
  "provider_timeout",
  "network_error",
  "malformed_response",
  "rate_limited",
]);

// amoCRM refused this refresh token or these credentials: retrying cannot help (contract §9.1, §9.15).
const REAUTH_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "token_revoked",
  "token_not_linked",
  "token_expired",
  "client_auth_failed",
  "invalid_client_id",
  "invalid_client_secret",
  "redirect_uri_mismatch",
  "invalid_account",
  "send_request_to_account",
]);

// amoCRM answered, but about the account, not the token: a 403 block, 402, an account that is gone.
const BLOCKED_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["account_blocked", "payment_required", "account_not_found"]);

/**
 * transient: not the token's fault, state `degraded`, retried with backoff. reauth: state `needs_reauth`, no more
 * automatic attempts. blocked (403 block, 402, unknown account, anything else): state `error`, retried with backoff.
 */
export function classifyRefreshFailure(code: ErrorCode): RefreshFailureKind {
  if (TRANSIENT_CODES.has(code)) return "transient";
  if (REAUTH_CODES.has(code)) return "reauth";
  return "blocked";
}

const STATE_OF: Record<RefreshFailureKind, ConnectionState> = {
  transient: "degraded",
  blocked: "error",
  reauth: "needs_reauth",
};

// ---- Reading the stored token -------------------------------------------------------------------------------

type ConnectedRow = Connection & { accessTokenEnc: string; accountHost: string };

/** Throws the AppError that says why the stored tokens may not be used (revoked, needs_reauth, not_connected). */
function assertConnected(row: Connection | undefined): asserts row is ConnectedRow {
  if (row?.state === "revoked") throw new AppError("revoked");
  if (row?.state === "needs_reauth") throw new AppError("needs_reauth");
  if (!row?.accessTokenEnc || !row.accountHost) throw new AppError("not_connected");
}

/** The stored access token, or the AppError that says why there is none to use. */
function usableToken(row: Connection | undefined): AccessToken {
  assertConnected(row);
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

function isInsideMargin(row: Connection, now: Date): boolean {
  const expiresAt = row.accessTokenExpiresAt;
  return !expiresAt || expiresAt.getTime() - now.getTime() <= getEnv().refreshMarginSeconds * 1000;
}

function isStillValid(row: Connection, now: Date): boolean {
  return row.accessTokenExpiresAt !== null && row.accessTokenExpiresAt.getTime() > now.getTime();
}

/** During a backoff wait: the last failure again, with how long until the next attempt. */
function backoffError(row: Connection, now: Date): AppError {
  const code = row.lastErrorCode && isErrorCode(row.lastErrorCode) ? row.lastErrorCode : "provider_error";
  const waitMs = (row.nextRetryAt?.getTime() ?? now.getTime()) - now.getTime();
  return new AppError(code, {}, { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
}

function longLivedToken(row: Connection, now: Date): AccessToken {
  // No refresh exists for long-lived tokens (contract §6): past `exp` only the admin can paste a new one.
  if (!isStillValid(row, now)) {
    markLongLivedTokenExpired({ generation: row.generation, now });
    throw new AppError("long_lived_token_expired");
  }
  return usableToken(row);
}

/**
 * A valid access token: the stored one while it is outside the refresh margin (AMOCRM_REFRESH_MARGIN_SECONDS),
 * otherwise a refreshed one. A refresh ahead of expiry that fails for a reason that is not the token's fault still
 * returns the current token while it is valid; during a backoff wait no refresh is attempted.
 */
export async function getAccessToken({ now = new Date(), hooks }: { now?: Date; hooks?: TokenHooks } = {}): Promise<AccessToken> {
  const row = getConnection();
  if (!row) throw new AppError("not_connected");
  const current = usableToken(row);
  if (row.mode === "long_lived") return longLivedToken(row, now);
  if (!isInsideMargin(row, now)) return current;
  try {
    // During a backoff wait amoCRM is not asked (the check is repeated under the lease).
    if (row.nextRetryAt && row.nextRetryAt.getTime() > now.getTime()) throw backoffError(row, now);
    return await refreshSingleFlight({ fromGeneration: row.generation, reason: "expiry", ignoreBackoff: false, actor: { actor: "system" }, now, hooks });
  } catch (error) {
    // Ahead of expiry, a refresh that failed (or waits out a backoff) for a reason that is not the token's fault
    // leaves the current token usable until it expires.
    const notTheTokensFault = error instanceof AppError && (TRANSIENT_CODES.has(error.code) || BLOCKED_CODES.has(error.code));
    if (notTheTokensFault && isStillValid(row, now)) return current;
    throw error;
  }
}

/**
 * After amoCRM answered 401 to `rejected`: a newer stored token if another refresh already happened, otherwise one
 * refresh (the caller retries once with the result). Long-lived tokens are never refreshed.
 */
export async function refreshAfterUnauthorized({
  rejected,
  now = new Date(),
  hooks,
}: {
  rejected: AccessToken;
  now?: Date;
  hooks?: TokenHooks;
}): Promise<AccessToken> {
  const row = getConnection();
  if (!row) throw new AppError("not_connected");
  const current = usableToken(row);
  if (row.generation !== rejected.generation) return current;
  if (row.mode === "long_lived") {
    // Never refreshed: past `exp` this throws long_lived_token_expired; before it, amoCRM revoked the token.
    longLivedToken(row, now);
    throw new AppError("token_revoked", { status: 401 });
  }
  return refreshSingleFlight({ fromGeneration: row.generation, reason: "unauthorized", ignoreBackoff: false, actor: { actor: "system" }, now, hooks });
}

/** The admin's "refresh now": ignores the backoff wait, still records the outcome. */
export async function refreshNow({
  actorEmail,
  now = new Date(),
  hooks,
}: {
  actorEmail: string;
  now?: Date;
  hooks?: TokenHooks;
}): Promise<AccessToken> {
  const row = getConnection();
  if (!row?.accessTokenEnc) throw new AppError("not_connected");
  if (row.state === "needs_reauth") throw new AppError("needs_reauth");
  if (row.mode === "long_lived") throw new AppError("long_lived_no_refresh");
  if (!row.refreshTokenEnc) throw new AppError("not_connected");
  return refreshSingleFlight({
    fromGeneration: row.generation,
    reason: "admin",
    ignoreBackoff: true,
    actor: { actor: "admin", actorEmail },
    now,
    hooks,
  });
}

/** Keep-alive (lib/amocrm/jobs.ts): a refresh that reports its failure instead of falling back to the current token. */
export async function refreshForKeepalive({ now = new Date(), hooks }: { now?: Date; hooks?: TokenHooks } = {}): Promise<AccessToken> {
  const row = getConnection();
  assertConnected(row);
  if (!row.refreshTokenEnc || row.mode !== "oauth") throw new AppError("not_connected");
  return refreshSingleFlight({ fromGeneration: row.generation, reason: "keepalive", ignoreBackoff: false, actor: { actor: "system" }, now, hooks });
}

export type DanglingIntentOutcome =
  | { outcome: "none" }
  | { outcome: "too_recent" }
  | { outcome: "stale_cleared" }
  | { outcome: "recovered"; accessTokenExpiresAt: Date | null }
  | { outcome: "failed"; code: ErrorCode };

/**
 * A refresh intent left by a process that died between amoCRM's answer and the commit. The stored refresh token is
 * still valid until its lost successor is used (contract §3.3), so refreshing with it recovers; if amoCRM refuses
 * it, the connection becomes `needs_reauth` with reason `interrupted` (an event and lastError say so).
 */
export async function resolveDanglingRefresh({ now = new Date(), hooks }: { now?: Date; hooks?: TokenHooks } = {}): Promise<DanglingIntentOutcome> {
  const row = getConnection();
  if (!row || row.refreshIntentAt === null || row.refreshIntentGeneration === null) return { outcome: "none" };
  if (now.getTime() - row.refreshIntentAt.getTime() < DANGLING_INTENT_AGE_MS) return { outcome: "too_recent" };
  const stillApplies =
    row.refreshIntentGeneration === row.generation &&
    row.mode === "oauth" &&
    row.refreshTokenEnc !== null &&
    row.state !== "needs_reauth" &&
    row.state !== "revoked";
  if (!stillApplies) {
    clearRefreshIntent({ intentGeneration: row.refreshIntentGeneration });
    return { outcome: "stale_cleared" };
  }
  console.warn("[amocrm] an interrupted token refresh was found; refreshing with the stored refresh token");
  try {
    const token = await refreshSingleFlight({
      fromGeneration: row.generation,
      reason: "interrupted",
      ignoreBackoff: true,
      actor: { actor: "system" },
      now,
      hooks,
    });
    return { outcome: "recovered", accessTokenExpiresAt: token.accessTokenExpiresAt };
  } catch (error) {
    if (error instanceof AppError) return { outcome: "failed", code: error.code };
    throw error;
  }
}

// ---- Single flight ------------------------------------------------------------------------------------------

interface RefreshInput {
  fromGeneration: number;
  reason: RefreshReason;
  ignoreBackoff: boolean;
  actor: Actor;
  now: Date;
  hooks: TokenHooks | undefined;
}

// On globalThis: Next may load this module more than once per process (instrumentation and route bundles).
const flights = globalThis as unknown as { amocrmRefreshFlight?: Promise<AccessToken> };

/** One refresh per process at a time: later callers share the running one's result. */
function refreshSingleFlight(input: RefreshInput): Promise<AccessToken> {
  if (flights.amocrmRefreshFlight) return flights.amocrmRefreshFlight;
  const flight = refreshUnderLease(input).finally(() => {
    if (flights.amocrmRefreshFlight === flight) flights.amocrmRefreshFlight = undefined;
  });
  flights.amocrmRefreshFlight = flight;
  return flight;
}

/** `host|pid|uuid`: unique per attempt, and it tells a later process on the same host whether the holder died. */
function newLeaseOwner(): string {
  return `${hostname()}|${process.pid}|${randomUUID()}`;
}

function isDeadLocalHolder(owner: string): boolean {
  const [host, pidText] = owner.split("|");
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Takes the row's lease, or waits (polling the row) for its holder. Returns the stored token instead when the
 * generation moves meanwhile: another process refreshed, and amoCRM must not be asked again.
 */
async function waitForRefreshLease(owner: string, fromGeneration: number): Promise<AccessToken | null> {
  const deadline = Date.now() + LEASE_WAIT_LIMIT_MS;
  for (;;) {
    const row = getConnection();
    if (!row || row.generation !== fromGeneration) return usableToken(row);
    if (acquireRefreshLease({ owner, now: new Date(), ttlMs: REFRESH_LEASE_TTL_MS })) return null;
    const holder = row.refreshLeaseOwner;
    if (holder && isDeadLocalHolder(holder) && takeOverRefreshLease({ owner, previousOwner: holder, now: new Date(), ttlMs: REFRESH_LEASE_TTL_MS })) {
      console.warn("[amocrm] took over the refresh lease of a process that is no longer running");
      return null;
    }
    if (Date.now() > deadline) throw new AppError("provider_timeout");
    await sleep(LEASE_POLL_MS);
  }
}

async function refreshUnderLease(input: RefreshInput): Promise<AccessToken> {
  const owner = newLeaseOwner();
  const refreshedElsewhere = await waitForRefreshLease(owner, input.fromGeneration);
  if (refreshedElsewhere) return refreshedElsewhere;
  try {
    return await refreshLocked(input, owner);
  } finally {
    releaseRefreshLease({ owner });
  }
}

async function refreshLocked(input: RefreshInput, owner: string): Promise<AccessToken> {
  const { now } = input;
  // Re-read under the lease: whoever held it before may have refreshed already.
  const row = getConnection();
  if (!row || row.generation !== input.fromGeneration) return usableToken(row);
  assertConnected(row);
  if (row.mode !== "oauth") throw new AppError("long_lived_no_refresh");
  if (!input.ignoreBackoff && row.nextRetryAt && row.nextRetryAt.getTime() > now.getTime()) throw backoffError(row, now);
  const secrets = readSecrets(row);
  if (!row.clientId || !secrets.clientSecret) throw new AppError("not_configured");
  if (!secrets.refreshToken) throw new AppError("not_connected");

  if (!recordRefreshIntent({ generation: row.generation, now })) return usableToken(getConnection());
  let tokens: TokenSet;
  try {
    tokens = await requestRefresh({
      row,
      accountHost: row.accountHost,
      clientId: row.clientId,
      clientSecret: secrets.clientSecret,
      refreshToken: secrets.refreshToken,
      accessToken: secrets.accessToken,
      owner,
      input,
    });
  } catch (error) {
    return handleRefreshFailure(error, row, input);
  }
  await input.hooks?.afterProviderAnswer?.();

  const stored = storeRefreshedTokens({
    fromGeneration: row.generation,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    apiDomain: tokens.claims.apiDomain ?? null,
    reason: input.reason,
    actor: input.actor.actor,
    actorEmail: input.actor.actorEmail,
    now,
  });
  if (stored) console.info(`[amocrm] access token refreshed (${input.reason})`);
  // Not stored means the row moved under us (a re-authorization, a disconnect): what is stored now wins.
  return usableToken(getConnection());
}

interface RefreshRequest {
  row: Connection;
  accountHost: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  accessToken: string | null;
  owner: string;
  input: RefreshInput;
}

/** The refresh call itself, with one in-place retry on a short 429 and one retry on the new host after a rename. */
async function requestRefresh(request: RefreshRequest): Promise<TokenSet> {
  const { row, input } = request;
  const send = (host: string) =>
    withRateLimitRetry(() =>
      refreshTokens({
        host,
        clientId: request.clientId,
        clientSecret: request.clientSecret,
        // Byte for byte the Redirect URI the tokens were obtained with (contract §9.2).
        redirectUri: row.redirectUri ?? getEnv().redirectUri,
        refreshToken: request.refreshToken,
        now: () => input.now,
      }),
    );
  try {
    return await send(request.accountHost);
  } catch (error) {
    if (!looksLikeRenamedAccount(error)) throw error;
    const apiDomain = row.apiDomain ?? (request.accessToken ? readAccessTokenClaims(request.accessToken).apiDomain : undefined);
    if (!apiDomain) throw error;
    const current = await lookupCurrentAccountHost({
      apiDomain,
      refreshToken: request.refreshToken,
      platform: row.platform,
      accountId: row.accountId,
    }).catch(() => null);
    if (!current || current.host === request.accountHost) throw error;
    updateAccountHost({
      previousHost: request.accountHost,
      accountHost: current.host,
      accountSubdomain: current.subdomain,
      actor: input.actor.actor,
      actorEmail: input.actor.actorEmail,
      now: input.now,
    });
    console.info("[amocrm] the account was renamed; retrying the refresh on its new host");
    acquireRefreshLease({ owner: request.owner, now: new Date(), ttlMs: REFRESH_LEASE_TTL_MS });
    return send(current.host);
  }
}

/**
 * Records a failed refresh and decides what the caller gets. A refused token first re-reads the row: if another
 * process stored a newer pair meanwhile, that one is used (the refusal was ours burning a superseded token).
 */
function handleRefreshFailure(error: unknown, row: Connection, input: RefreshInput): AccessToken {
  // Anything but an answer we understand leaves the intent behind: the dangling-intent check sorts it out.
  if (!(error instanceof AppError)) throw error;
  const kind = classifyRefreshFailure(error.code);
  const latest = getConnection();
  if (kind === "reauth" && latest && latest.generation !== row.generation) return usableToken(latest);

  const failureCount = row.failureCount + 1;
  const waitMs = Math.max(backoffDelayMs(failureCount), (error.retryAfterSeconds ?? 0) * 1000);
  const nextRetryAt = kind === "reauth" ? null : new Date(input.now.getTime() + waitMs);
  const detail: Record<string, string | number> = { reason: input.reason };
  if (typeof error.detail.status === "number") detail.status = error.detail.status;
  if (typeof error.detail.hint === "string") detail.hint = error.detail.hint;
  const recorded = recordRefreshFailure({
    fromGeneration: row.generation,
    code: error.code,
    detail,
    state: STATE_OF[kind],
    failureCount,
    nextRetryAt,
    actor: input.actor.actor,
    actorEmail: input.actor.actorEmail,
    now: input.now,
  });
  if (!recorded) return usableToken(getConnection());
  console.warn(
    `[amocrm] token refresh failed (${input.reason}): ${error.code}; ` +
      (nextRetryAt ? `next attempt at ${nextRetryAt.toISOString()}` : "re-authorization needed"),
  );
  if (kind === "reauth") throw error;
  throw new AppError(error.code, error.detail, { retryAfterSeconds: Math.ceil(waitMs / 1000) });
}
