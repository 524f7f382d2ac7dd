import "server-only";
import { clearRefreshIntent, getConnection, readSecrets } from "@/lib/db/connection";
import type { Connection } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import type { ErrorCode } from "@/lib/error-codes";
import { AppError } from "@/lib/errors";
import {
  DANGLING_INTENT_AGE_MS,
  danglingIntentApplies,
  isInBackoff,
  isInsideRefreshMargin,
  isTokenStillValid,
  keepsCurrentToken,
  refreshFailureEvent,
  refreshedRecently,
  whyNoRefresh,
  whyTokenUnusable,
} from "./connection-state";
import { backoffError, moveToCurrentHost, refreshUnderLease, usableToken, type AccessToken, type RefreshInput } from "./refresh";
import { applyConnectionEvent } from "./transitions";

/**
 * The token lifecycle's entry points (docs/amocrm-contract.md §3.3, §9.1): a valid access token on demand, refreshed ahead of
 * expiry; the admin's refresh-now; the keep-alive; recovery of an interrupted refresh. Each runs one refresh flight
 * per intent in this process, and the flight runs under the cross-process lease (lib/amocrm/refresh.ts).
 */

export type { AccessToken, RefreshReason } from "./refresh";
export { refreshTestSeam } from "./refresh";

/**
 * Why a flight runs. Callers with the same intent share one flight; different intents never join each other:
 * - use: a caller needs a valid token (expiry ahead, or a 401). Any newer pair stored meanwhile satisfies it.
 * - admin: the admin's "refresh now" exercises the refresh token and reports what amoCRM said, ignoring the backoff
 *   wait. It must not silently join a keep-alive or a token user's flight (which respect the backoff and would
 *   report someone else's outcome): it waits for any running refresh to finish (the lease) and then runs its own.
 * - keepalive: keeps the refresh token in use; a pair stored by anyone meanwhile does that too.
 * - use_now: like use, for an action the admin started (Test connection): it tries at once, ignoring the backoff
 *   wait, so it never joins a `use` flight (which respects the wait and may end without asking amoCRM).
 * - interrupted: recovers a refresh a dead process left half done.
 */
type RefreshIntent = "use" | "use_now" | "admin" | "keepalive" | "interrupted";

/**
 * Who wants the token. Actions the admin started try amoCRM at once; only automatic paths (the lead worker, the
 * keep-alive, any background caller) respect the backoff wait after a failure (docs/connection-state.md).
 */
export interface TokenRequestOptions {
  now?: Date;
  /** An action the admin started (Test connection): refresh now if needed, even while a backoff wait runs. */
  startedByAdmin?: boolean;
}

// On globalThis: Next may load this module more than once per process (instrumentation and route bundles).
const flights = globalThis as unknown as { amocrmRefreshFlights?: Map<RefreshIntent, Promise<AccessToken>> };

function singleFlight(intent: RefreshIntent, input: RefreshInput): Promise<AccessToken> {
  const running = (flights.amocrmRefreshFlights ??= new Map());
  const joined = running.get(intent);
  if (joined) return joined;
  const flight = refreshUnderLease(input).finally(() => {
    if (running.get(intent) === flight) running.delete(intent);
  });
  running.set(intent, flight);
  return flight;
}

const SYSTEM = { actor: "system" } as const;

async function longLivedToken(row: Connection, now: Date): Promise<AccessToken> {
  // No refresh exists for long-lived tokens (docs/amocrm-contract.md §6): past `exp` only the admin can paste a new one.
  if (!isTokenStillValid(row, now)) {
    await applyConnectionEvent({
      event: { type: "long_lived_token_expired" },
      now,
      actor: SYSTEM,
      ifGeneration: row.generation,
      details: { code: "long_lived_token_expired" },
    });
    throw new AppError("long_lived_token_expired");
  }
  return usableToken(row);
}

/**
 * A valid access token: the stored one while it is outside the refresh margin (AMOCRM_REFRESH_MARGIN_SECONDS),
 * otherwise a refreshed one. A refresh ahead of expiry that fails for a reason that is not the token's fault still
 * returns the current token while it is valid; during a backoff wait no refresh is attempted.
 */
export async function getAccessToken({ now = new Date(), startedByAdmin = false }: TokenRequestOptions = {}): Promise<AccessToken> {
  const row = await getConnection();
  const current = usableToken(row);
  if (!row) throw new AppError("not_connected");
  if (row.mode === "long_lived") return longLivedToken(row, now);
  if (!isInsideRefreshMargin(row, now, getEnv().refreshMarginSeconds)) return current;
  try {
    // During a backoff wait amoCRM is not asked automatically (the check is repeated under the lease).
    if (!startedByAdmin && isInBackoff(row, now)) throw backoffError(row, now);
    return await singleFlight(startedByAdmin ? "use_now" : "use", {
      fromGeneration: row.generation,
      reason: "expiry",
      ignoreBackoff: startedByAdmin,
      actor: SYSTEM,
      now,
    });
  } catch (error) {
    if (error instanceof AppError && keepsCurrentToken(error.code) && isTokenStillValid(row, now)) return current;
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
  startedByAdmin = false,
}: TokenRequestOptions & { rejected: AccessToken }): Promise<AccessToken> {
  const row = await getConnection();
  const current = usableToken(row);
  if (!row) throw new AppError("not_connected");
  if (row.generation !== rejected.generation) return current;
  if (row.mode === "long_lived") {
    // Never refreshed: past `exp` this throws long_lived_token_expired; before it, amoCRM revoked the token.
    await longLivedToken(row, now);
    throw new AppError("token_revoked", { status: 401 });
  }
  if (refreshedRecently(row, now)) return refusedAfterRefresh(row, now);
  return singleFlight(startedByAdmin ? "use_now" : "use", {
    fromGeneration: row.generation,
    reason: "unauthorized",
    ignoreBackoff: startedByAdmin,
    actor: SYSTEM,
    now,
  });
}

/**
 * amoCRM answered 401 to a token it issued minutes ago (UNAUTHORIZED_AFTER_REFRESH_WINDOW_MS). Another refresh would
 * not help and a loop of them ends in 429 and the 403 block, so none is made, for the admin's actions too: the
 * connection becomes degraded with `unauthorized_after_refresh` and the automatic paths wait out the backoff.
 */
async function refusedAfterRefresh(row: Connection, now: Date): Promise<AccessToken> {
  const detail = { reason: "unauthorized", status: 401 };
  const event = refreshFailureEvent({ code: "unauthorized_after_refresh", detail });
  const { applied, transition } = await applyConnectionEvent({
    event,
    now,
    actor: SYSTEM,
    ifGeneration: row.generation,
    details: (next) => ({ code: event.code, state: next.state, failureCount: next.failureCount, nextRetryAt: next.nextRetryAt?.toISOString() ?? null, ...detail }),
  });
  // Not applied: another writer stored a newer pair meanwhile (or the connection moved on); that one is used.
  if (!applied || !transition) return usableToken(await getConnection());
  console.warn("[amocrm] amoCRM refused a token refreshed minutes ago (401); no further refresh, the connection is degraded");
  const retryAt = transition.next.nextRetryAt;
  const retryAfterSeconds = retryAt ? Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000)) : undefined;
  throw new AppError("unauthorized_after_refresh", { status: 401 }, { retryAfterSeconds });
}

/**
 * After an API call on `rejected`'s host answered 404 or a redirect: the account may have been renamed
 * (docs/amocrm-contract.md §9.4). Asks amoCRM for its current host (with the refresh token, which stays unused) and
 * returns the token to use there, or null when amoCRM names no other host. Another caller having moved it already
 * counts too. A long-lived token has no refresh token for the lookup: null.
 */
export async function followRenamedAccount({ rejected, now = new Date() }: { rejected: AccessToken; now?: Date }): Promise<AccessToken | null> {
  const row = await getConnection();
  if (!row || whyTokenUnusable(row)) return null;
  if (row.accountHost !== rejected.accountHost) return usableToken(row);
  const { refreshToken, accessToken } = readSecrets(row);
  if (row.mode !== "oauth" || !refreshToken) return null;
  const currentHost = await moveToCurrentHost({ row, refreshToken, accessToken, actor: SYSTEM, now });
  if (!currentHost) return null;
  console.info("[amocrm] the account was renamed; retrying the call on its new host");
  // The tokens belong to the account, not to its address: the same token is used on the new host.
  return { ...usableToken(row), accountHost: currentHost };
}

/** The admin's "refresh now": ignores the backoff wait, still records the outcome. */
export async function refreshNow({ actorEmail, now = new Date() }: { actorEmail: string; now?: Date }): Promise<AccessToken> {
  const refusal = whyNoRefresh(await getConnection());
  if (refusal) throw new AppError(refusal);
  return singleFlight("admin", { fromGeneration: undefined, reason: "admin", ignoreBackoff: true, actor: { actor: "admin", actorEmail }, now });
}

/** Keep-alive (lib/amocrm/jobs.ts): a refresh that reports its failure instead of falling back to the current token. */
export async function refreshForKeepalive({ now = new Date() }: { now?: Date } = {}): Promise<AccessToken> {
  const row = await getConnection();
  const refusal = whyNoRefresh(row);
  if (refusal || !row) throw new AppError(refusal ?? "not_connected");
  return singleFlight("keepalive", { fromGeneration: row.generation, reason: "keepalive", ignoreBackoff: false, actor: SYSTEM, now });
}

export type DanglingIntentOutcome =
  | { outcome: "none" }
  | { outcome: "too_recent" }
  | { outcome: "stale_cleared" }
  | { outcome: "recovered"; accessTokenExpiresAt: Date | null }
  | { outcome: "failed"; code: ErrorCode };

/**
 * A refresh intent left by a process that died between amoCRM's answer and the commit. The stored refresh token is
 * still valid until its lost successor is used (docs/amocrm-contract.md §3.3), so refreshing with it recovers; if amoCRM refuses
 * it, the connection becomes `needs_reauth` with reason `interrupted` (an event and lastError say so).
 */
export async function resolveDanglingRefresh({ now = new Date() }: { now?: Date } = {}): Promise<DanglingIntentOutcome> {
  const row = await getConnection();
  if (!row || row.refreshIntentAt === null || row.refreshIntentGeneration === null) return { outcome: "none" };
  if (now.getTime() - row.refreshIntentAt.getTime() < DANGLING_INTENT_AGE_MS) return { outcome: "too_recent" };
  if (!danglingIntentApplies(row)) {
    await clearRefreshIntent({ intentGeneration: row.refreshIntentGeneration });
    return { outcome: "stale_cleared" };
  }
  console.warn("[amocrm] an interrupted token refresh was found; refreshing with the stored refresh token");
  try {
    const token = await singleFlight("interrupted", { fromGeneration: row.generation, reason: "interrupted", ignoreBackoff: true, actor: SYSTEM, now });
    return { outcome: "recovered", accessTokenExpiresAt: token.accessTokenExpiresAt };
  } catch (error) {
    if (error instanceof AppError) return { outcome: "failed", code: error.code };
    throw error;
  }
}
