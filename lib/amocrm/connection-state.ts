import type { Connection, ConnectionState } from "@/lib/db/schema";
import type { ErrorCode } from "@/lib/error-codes";

/**
 * The connection's state machine, pure (no I/O, no clock of its own): every state of the status JSON, every event
 * that moves between them, each transition as a function of (state, event, now) returning the next state and the
 * effects the caller must perform (store or forget tokens, record an event), the schedule (refresh margin,
 * keep-alive, backoff) and every question the rest of the code asks about a connection. Writers run
 * `transition()` and store its result (lib/amocrm/transitions.ts); nothing else decides a state.
 * docs/connection-state.md draws it.
 */

export type { ConnectionState };
export type ConnectionMode = Connection["mode"];

/** What the machine knows of a connection: the row reduced to the facts its decisions depend on. */
export interface ConnectionSnapshot {
  state: ConnectionState;
  mode: ConnectionMode;
  /** A Client ID and Client Secret are saved (OAuth keys). */
  hasCredentials: boolean;
  hasAccessToken: boolean;
  hasRefreshToken: boolean;
  /** Failed refreshes in a row; 0 after a success. */
  failureCount: number;
  /** No automatic refresh before this time (a backoff wait); null when none is scheduled. */
  nextRetryAt: Date | null;
  lastErrorCode: string | null;
  /** The account host the tokens are used on; null before a connection. */
  accountHost: string | null;
}

type Detail = Record<string, string | number>;

/** A refresh failure as amoCRM (or the network) gave it. */
interface Failure {
  code: ErrorCode;
  /** Safe facts for the log and the status page (status, hint, reason); never a secret. */
  detail?: Detail;
  /** amoCRM's Retry-After, when it sent one: the wait is at least that. */
  retryAfterSeconds?: number;
}

export type ConnectionEvent =
  /** The admin saved keys identical to the saved ones (or the first keys). */
  | { type: "credentials_saved" }
  /** The admin saved another Client ID, Client Secret or platform. */
  | { type: "credentials_changed" }
  /** The OAuth callback exchanged a code for a token pair. */
  | { type: "consented" }
  | { type: "long_lived_token_saved" }
  | { type: "refreshed" }
  /** Not the token's fault (5xx, timeout, network, 429): retried with backoff. */
  | ({ type: "transient_failure" } & Failure)
  /** amoCRM answered about the account (403 block, 402, unknown account): retried with backoff. */
  | ({ type: "blocked" } & Failure)
  /** amoCRM refused the refresh token or the keys: only a new consent helps. */
  | ({ type: "permanent_failure" } & Failure)
  | { type: "long_lived_token_expired" }
  /** amoCRM's signed "integration disabled" hook, once amoCRM confirmed the stored token is refused. */
  | { type: "revoked_by_hook" }
  /**
   * A correctly signed disconnect hook that amoCRM did not confirm: it still accepts the stored token (a replayed
   * hook URL), or it could not be asked. Recorded; nothing else changes (lib/amocrm/disconnect-hook.ts).
   */
  | { type: "hook_not_confirmed"; reason: "token_accepted" | "amocrm_unreachable" }
  | { type: "disconnected"; forgetCredentials: boolean }
  /** A callback that failed after its state check: shown as the last error, the connection itself is untouched. */
  | { type: "authorization_failed"; code: ErrorCode; detail?: Detail }
  /**
   * amoCRM named another current host for the account (a renamed subdomain) after the stored one answered a 404, a
   * redirect or "Invalid account" (docs/amocrm-contract.md §9.4). The caller stores the host that comes with it.
   */
  | { type: "account_moved"; previousHost: string; accountHost: string };

/** The three outcomes of a failed refresh. */
export type RefreshFailureEvent = Extract<ConnectionEvent, { type: "transient_failure" | "blocked" | "permanent_failure" }>;

/** Names of the event log's entries (connection_events.type) the transitions write. */
export type LogEntry =
  | "credentials_saved"
  | "connected"
  | "long_lived_token_connected"
  | "token_refreshed"
  | "token_refresh_failed"
  | "token_refused_after_refresh"
  | "long_lived_token_expired"
  | "amocrm_disconnected"
  | "disconnect_hook_refused"
  | "disconnect_hook_unconfirmed"
  | "disconnected"
  | "authorization_failed"
  | "account_host_changed";

/** What the caller must do to make a transition true, as data. */
export type Effect =
  /** Seal and store the new token pair (or long-lived token) that came with the event; generation + 1. */
  | { type: "store_tokens" }
  /** Empty the token columns and their expiries; generation + 1. */
  | { type: "forget_tokens" }
  /** Empty the saved keys, the account and the history columns too. */
  | { type: "forget_credentials" }
  /** A refresh ended (stored or failed): its intent no longer dangles. */
  | { type: "clear_refresh_intent" }
  | { type: "log"; entry: LogEntry };

/** How the last-error columns change: set (with `at` = now), cleared, or (absent) left as they are. */
export type LastErrorChange = { code: string; detail: Detail | null } | null;

export interface Transition {
  /** False when the event does not apply in this state: nothing to store, nothing to do. */
  changed: boolean;
  next: ConnectionSnapshot;
  lastError?: LastErrorChange;
  effects: Effect[];
}

// ---- Schedule -----------------------------------------------------------------------------------------------

const DAY_MS = 24 * 60 * 60 * 1000;
const HOURLY_MS = 60 * 60_000;
const BACKOFF_STEPS_MS: readonly number[] = [30_000, 2 * 60_000, 10 * 60_000, HOURLY_MS];

/** Wait before the next automatic attempt after `failureCount` failures in a row: 30 s, 2 min, 10 min, then hourly. */
export function backoffDelayMs(failureCount: number): number {
  return BACKOFF_STEPS_MS[Math.max(failureCount, 1) - 1] ?? HOURLY_MS;
}

/** The wait after a failure: the backoff step, or amoCRM's Retry-After when that is longer. */
export function retryDelayMs(failureCount: number, retryAfterSeconds: number | undefined): number {
  return Math.max(backoffDelayMs(failureCount), (retryAfterSeconds ?? 0) * 1000);
}

/**
 * The shortest wait after amoCRM answered about the account (a 403, 402, an account that is gone): a block is not
 * lifted in seconds and asking again only prolongs it (docs/amocrm-contract.md §9.8). The lead worker holds its
 * deliveries as long (lib/leads/retry-policy.ts BLOCK_HOLD_MS).
 */
export const BLOCKED_MIN_WAIT_MS = 15 * 60_000;

/** amoCRM revokes a refresh token that was not used for three months (docs/amocrm-contract.md §3.3). */
export const REFRESH_TOKEN_LIFETIME_MS = 90 * DAY_MS;

/**
 * A 401 from the API within this long after a refresh does not start another refresh: amoCRM refused a token it
 * issued minutes ago, and refreshing again only feeds a storm that ends in 429 and then the 403 block
 * (docs/amocrm-contract.md §4.1, §9.8). The connection becomes degraded with `unauthorized_after_refresh` instead.
 */
export const UNAUTHORIZED_AFTER_REFRESH_WINDOW_MS = 5 * 60_000;

/**
 * The stored pair came from a refresh (not from a consent) within UNAUTHORIZED_AFTER_REFRESH_WINDOW_MS of `now`.
 * A consent stores `lastRefreshAt` equal to `connectedAt`; only a refresh moves it past.
 */
export function refreshedRecently(connection: Pick<Connection, "lastRefreshAt" | "connectedAt">, now: Date): boolean {
  const { lastRefreshAt, connectedAt } = connection;
  if (!lastRefreshAt || (connectedAt && lastRefreshAt.getTime() <= connectedAt.getTime())) return false;
  return now.getTime() - lastRefreshAt.getTime() < UNAUTHORIZED_AFTER_REFRESH_WINDOW_MS;
}

/** A dangling refresh intent younger than this may belong to a refresh still running elsewhere. */
export const DANGLING_INTENT_AGE_MS = 60_000;

type ScheduleFacts = Pick<Connection, "mode" | "refreshTokenEnc" | "state" | "lastRefreshAt" | "connectedAt" | "updatedAt" | "nextRetryAt">;

/**
 * When the keep-alive refresh is due: the last refresh + AMOCRM_KEEPALIVE_DAYS, or later while a backoff wait runs.
 * Null when there is nothing to keep alive (no refresh token, long-lived mode, needs_reauth, revoked).
 */
export function nextKeepaliveAt(connection: ScheduleFacts | undefined, { keepaliveDays }: { keepaliveDays: number }): Date | null {
  if (!connection || connection.mode !== "oauth" || !connection.refreshTokenEnc) return null;
  if (connection.state === "needs_reauth" || connection.state === "revoked") return null;
  const since = connection.lastRefreshAt ?? connection.connectedAt ?? connection.updatedAt;
  const due = since.getTime() + keepaliveDays * DAY_MS;
  return new Date(Math.max(due, connection.nextRetryAt?.getTime() ?? 0));
}

/** Inside the refresh margin (or with no known expiry): the next use refreshes first. */
export function isInsideRefreshMargin(connection: Pick<Connection, "accessTokenExpiresAt">, now: Date, marginSeconds: number): boolean {
  const expiresAt = connection.accessTokenExpiresAt;
  return !expiresAt || expiresAt.getTime() - now.getTime() <= marginSeconds * 1000;
}

export function isTokenStillValid(connection: Pick<Connection, "accessTokenExpiresAt">, now: Date): boolean {
  return connection.accessTokenExpiresAt !== null && connection.accessTokenExpiresAt.getTime() > now.getTime();
}

/** During a backoff wait amoCRM is not asked automatically. */
export function isInBackoff(connection: Pick<Connection, "nextRetryAt">, now: Date): boolean {
  return connection.nextRetryAt !== null && connection.nextRetryAt.getTime() > now.getTime();
}

/** Whole seconds until the backoff wait ends, at least 1. */
export function backoffSecondsLeft(connection: Pick<Connection, "nextRetryAt">, now: Date): number {
  const waitMs = (connection.nextRetryAt?.getTime() ?? now.getTime()) - now.getTime();
  return Math.max(1, Math.ceil(waitMs / 1000));
}

// ---- Predicates ---------------------------------------------------------------------------------------------

type UsableFacts = Pick<Connection, "state" | "accessTokenEnc" | "accountHost">;

/**
 * Why the stored access token may not be used, or null when it may. The one answer for every caller: a revoked
 * connection is `revoked` everywhere, whatever columns were emptied with it.
 */
export function whyTokenUnusable(connection: UsableFacts | undefined): Extract<ErrorCode, "revoked" | "needs_reauth" | "not_connected"> | null {
  if (connection?.state === "revoked") return "revoked";
  if (connection?.state === "needs_reauth") return "needs_reauth";
  if (!connection?.accessTokenEnc || !connection.accountHost) return "not_connected";
  return null;
}

type RefreshFacts = UsableFacts & Pick<Connection, "mode" | "refreshTokenEnc">;

/** Why the tokens cannot be refreshed (by anyone, the admin included), or null when they can. */
export function whyNoRefresh(
  connection: RefreshFacts | undefined,
): Extract<ErrorCode, "revoked" | "needs_reauth" | "not_connected" | "long_lived_no_refresh"> | null {
  const unusable = whyTokenUnusable(connection);
  if (unusable) return unusable;
  if (connection?.mode === "long_lived") return "long_lived_no_refresh";
  if (!connection?.refreshTokenEnc) return "not_connected";
  return null;
}

export type KeepaliveSkipReason = "not_connected" | "long_lived" | "needs_reauth" | "revoked";

/** Why the keep-alive has nothing to do, or null when it should keep this connection alive. */
export function keepaliveSkipReason(connection: RefreshFacts | undefined): KeepaliveSkipReason | null {
  const reason = whyNoRefresh(connection);
  if (reason === "long_lived_no_refresh") return "long_lived";
  return reason;
}

/** The connection works (possibly with retries running): the setup is done. */
export function isWorking(state: ConnectionState): boolean {
  return state === "connected" || state === "degraded";
}

/** A refresh intent left behind still applies (the same token pair, refreshable): recover it with a refresh. */
export function danglingIntentApplies(
  connection: Pick<Connection, "refreshIntentGeneration" | "generation" | "mode" | "refreshTokenEnc" | "state">,
): boolean {
  return (
    connection.refreshIntentGeneration === connection.generation &&
    connection.mode === "oauth" &&
    connection.refreshTokenEnc !== null &&
    connection.state !== "needs_reauth" &&
    connection.state !== "revoked"
  );
}

export type RefreshFailureKind = "transient" | "blocked" | "permanent";

const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "provider_error",
  "provider_timeout",
  "network_error",
  "malformed_response",
  "rate_limited",
  // A 401 for a token refreshed minutes ago: waited out with backoff, never answered with another refresh.
  "unauthorized_after_refresh",
]);

// amoCRM refused this refresh token or these credentials: retrying cannot help (docs/amocrm-contract.md §9.1, §9.15).
const PERMANENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "token_revoked",
  "token_not_linked",
  "token_expired",
  "user_deactivated",
  "client_auth_failed",
  "invalid_client_id",
  "invalid_client_secret",
  "redirect_uri_mismatch",
  "invalid_account",
  "send_request_to_account",
]);

/** transient: 5xx, timeouts, network, 429. permanent: the token or keys were refused. blocked: everything else. */
export function classifyRefreshFailure(code: ErrorCode): RefreshFailureKind {
  if (TRANSIENT_CODES.has(code)) return "transient";
  if (PERMANENT_CODES.has(code)) return "permanent";
  return "blocked";
}

const FAILURE_EVENT = { transient: "transient_failure", blocked: "blocked", permanent: "permanent_failure" } as const;

/** The machine's event for a failed refresh. */
export function refreshFailureEvent(failure: Failure): RefreshFailureEvent {
  return { type: FAILURE_EVENT[classifyRefreshFailure(failure.code)], ...failure };
}

// amoCRM's 403s, told apart by their body (lib/amocrm/provider-errors.ts): the block after too many requests, the IP
// allow-list, and a refusal that does not say why.
const FORBIDDEN_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["account_blocked", "ip_not_allowed", "access_forbidden"]);

/** amoCRM refused access (a 403 of any kind): every call waits, none spends an attempt. */
export function isForbidden(code: ErrorCode): boolean {
  return FORBIDDEN_CODES.has(code);
}

// amoCRM answered, but about the account, not the token: a 403, 402, an account that is gone.
const ACCOUNT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([...FORBIDDEN_CODES, "payment_required", "account_not_found"]);

/**
 * Ahead of expiry, a refresh that failed (or waits out a backoff) for a reason that is not the token's fault (a
 * transient failure, or amoCRM answering about the account) leaves the current token usable until it expires.
 */
export function keepsCurrentToken(code: ErrorCode): boolean {
  return TRANSIENT_CODES.has(code) || ACCOUNT_CODES.has(code);
}

// ---- Transitions --------------------------------------------------------------------------------------------

/** A connection with a token pair that amoCRM could still refresh (the states a refresh outcome applies to). */
const REFRESHABLE: ReadonlySet<ConnectionState> = new Set<ConnectionState>(["connected", "degraded", "error"]);

/** The snapshot of a stored row (undefined: no row, nothing configured). */
export function snapshotOf(
  row:
    | Pick<
        Connection,
        "state" | "mode" | "clientId" | "clientSecretEnc" | "accessTokenEnc" | "refreshTokenEnc" | "failureCount" | "nextRetryAt" | "lastErrorCode" | "accountHost"
      >
    | undefined,
): ConnectionSnapshot {
  if (!row) return EMPTY;
  return {
    state: row.state,
    mode: row.mode,
    hasCredentials: Boolean(row.clientId && row.clientSecretEnc),
    hasAccessToken: row.accessTokenEnc !== null,
    hasRefreshToken: row.refreshTokenEnc !== null,
    failureCount: row.failureCount,
    nextRetryAt: row.nextRetryAt,
    lastErrorCode: row.lastErrorCode,
    accountHost: row.accountHost,
  };
}

const EMPTY: ConnectionSnapshot = {
  state: "not_configured",
  mode: "oauth",
  hasCredentials: false,
  hasAccessToken: false,
  hasRefreshToken: false,
  failureCount: 0,
  nextRetryAt: null,
  lastErrorCode: null,
  accountHost: null,
};

const unchanged = (snapshot: ConnectionSnapshot): Transition => ({ changed: false, next: snapshot, effects: [] });

const log = (entry: LogEntry): Effect => ({ type: "log", entry });

/** Fresh tokens: no failure, no wait, no error left. */
const HEALTHY = { state: "connected", failureCount: 0, nextRetryAt: null, lastErrorCode: null } as const;

/** A new pair (or long-lived token) is stored: connected, with no failure, wait or error left. */
function tokensStored(snapshot: ConnectionSnapshot, mode: ConnectionMode, entry: LogEntry): Transition {
  return {
    changed: true,
    next: { ...snapshot, ...HEALTHY, mode, hasAccessToken: true, hasRefreshToken: mode === "oauth" },
    lastError: null,
    effects: [{ type: "store_tokens" }, { type: "clear_refresh_intent" }, log(entry)],
  };
}

function refreshFailed(snapshot: ConnectionSnapshot, event: RefreshFailureEvent, now: Date): Transition {
  if (!REFRESHABLE.has(snapshot.state) || snapshot.mode !== "oauth" || !snapshot.hasRefreshToken) return unchanged(snapshot);
  const failureCount = snapshot.failureCount + 1;
  const permanent = event.type === "permanent_failure";
  const state: ConnectionState = event.type === "transient_failure" ? "degraded" : permanent ? "needs_reauth" : "error";
  const waitMs = Math.max(retryDelayMs(failureCount, event.retryAfterSeconds), event.type === "blocked" ? BLOCKED_MIN_WAIT_MS : 0);
  return {
    changed: true,
    next: {
      ...snapshot,
      state,
      failureCount,
      nextRetryAt: permanent ? null : new Date(now.getTime() + waitMs),
      lastErrorCode: event.code,
    },
    lastError: { code: event.code, detail: event.detail ?? null },
    effects: [
      { type: "clear_refresh_intent" },
      log(event.code === "unauthorized_after_refresh" ? "token_refused_after_refresh" : "token_refresh_failed"),
    ],
  };
}

/**
 * The transition table. `now` only schedules (backoff); the result says what the row becomes and what to do.
 * `revoked` is left only by a new consent (OAuth or a long-lived token) or by forgetting the whole connection.
 */
export function transition(snapshot: ConnectionSnapshot, event: ConnectionEvent, now: Date): Transition {
  switch (event.type) {
    case "credentials_saved":
    case "credentials_changed": {
      const effects = [log("credentials_saved")];
      // Revoked stays revoked until a new consent: saving keys again does not bring the connection back.
      if (snapshot.state === "revoked") return { changed: true, next: { ...snapshot, hasCredentials: true }, effects };
      if (!snapshot.hasAccessToken) {
        return { changed: true, next: { ...snapshot, hasCredentials: true, mode: "oauth", state: "configured" }, effects };
      }
      if (event.type === "credentials_saved") return { changed: true, next: { ...snapshot, hasCredentials: true }, effects };
      // The tokens stay (nothing is destroyed) but belong to the old integration: only a new consent helps.
      return {
        changed: true,
        next: { ...snapshot, hasCredentials: true, state: "needs_reauth", nextRetryAt: null, lastErrorCode: "needs_reauth" },
        lastError: { code: "needs_reauth", detail: null },
        effects,
      };
    }
    case "consented":
      if (!snapshot.hasCredentials) return unchanged(snapshot);
      return tokensStored(snapshot, "oauth", "connected");
    case "long_lived_token_saved":
      return tokensStored(snapshot, "long_lived", "long_lived_token_connected");
    case "refreshed":
      if (!REFRESHABLE.has(snapshot.state) || snapshot.mode !== "oauth" || !snapshot.hasRefreshToken) return unchanged(snapshot);
      return tokensStored(snapshot, "oauth", "token_refreshed");
    case "transient_failure":
    case "blocked":
    case "permanent_failure":
      return refreshFailed(snapshot, event, now);
    case "long_lived_token_expired":
      // Recorded once: an expiry already shown is not news.
      if (snapshot.mode !== "long_lived" || !snapshot.hasAccessToken) return unchanged(snapshot);
      if (snapshot.state === "error" && snapshot.lastErrorCode === "long_lived_token_expired") return unchanged(snapshot);
      if (snapshot.state !== "connected" && snapshot.state !== "error") return unchanged(snapshot);
      return {
        changed: true,
        next: { ...snapshot, state: "error", lastErrorCode: "long_lived_token_expired" },
        lastError: { code: "long_lived_token_expired", detail: null },
        effects: [log("long_lived_token_expired")],
      };
    case "revoked_by_hook":
      // Only a configured integration can be disabled (the hook is signed with its secret); a hook repeated after the
      // revocation is not news.
      if (!snapshot.hasCredentials || snapshot.state === "revoked") return unchanged(snapshot);
      return {
        changed: true,
        next: { ...snapshot, state: "revoked", mode: "oauth", hasAccessToken: false, hasRefreshToken: false, failureCount: 0, nextRetryAt: null, lastErrorCode: "revoked" },
        lastError: { code: "revoked", detail: null },
        effects: [{ type: "forget_tokens" }, { type: "clear_refresh_intent" }, log("amocrm_disconnected")],
      };
    case "hook_not_confirmed":
      // Only a hook that would have forgotten tokens is worth recording; the tokens and the state stay as they are.
      if (!snapshot.hasAccessToken) return unchanged(snapshot);
      return {
        changed: true,
        next: snapshot,
        effects: [log(event.reason === "token_accepted" ? "disconnect_hook_refused" : "disconnect_hook_unconfirmed")],
      };
    case "disconnected": {
      const forgotten = { mode: "oauth", hasAccessToken: false, hasRefreshToken: false, failureCount: 0, nextRetryAt: null } as const;
      if (event.forgetCredentials) {
        return {
          changed: true,
          next: { ...EMPTY, ...forgotten },
          lastError: null,
          effects: [{ type: "forget_tokens" }, { type: "forget_credentials" }, { type: "clear_refresh_intent" }, log("disconnected")],
        };
      }
      // Forgetting tokens that amoCRM already revoked changes nothing about the revocation.
      if (snapshot.state === "revoked") {
        return { changed: true, next: snapshot, effects: [log("disconnected")] };
      }
      return {
        changed: true,
        next: { ...snapshot, ...forgotten, state: snapshot.hasCredentials ? "configured" : "not_configured", lastErrorCode: null },
        lastError: null,
        effects: [{ type: "forget_tokens" }, { type: "clear_refresh_intent" }, log("disconnected")],
      };
    }
    case "account_moved":
      // Only a connection whose tokens are in use moves, and only from the host it still has: a second writer that
      // found the same rename records nothing.
      if (!REFRESHABLE.has(snapshot.state) || snapshot.accountHost !== event.previousHost || event.accountHost === event.previousHost) {
        return unchanged(snapshot);
      }
      return { changed: true, next: { ...snapshot, accountHost: event.accountHost }, effects: [log("account_host_changed")] };
    case "authorization_failed":
      return {
        changed: true,
        next: { ...snapshot, lastErrorCode: event.code },
        lastError: { code: event.code, detail: event.detail ?? null },
        effects: [log("authorization_failed")],
      };
  }
}

/**
 * What must hold in every reachable snapshot. Returns the broken rules (empty when sound); the property test runs
 * random event sequences through `transition` and checks this after every step.
 */
export function impossibilities(snapshot: ConnectionSnapshot): string[] {
  const broken: string[] = [];
  const { state } = snapshot;
  const withTokens = state === "connected" || state === "degraded" || state === "error" || state === "needs_reauth";
  if (withTokens && !snapshot.hasAccessToken) broken.push(`${state} without an access token`);
  if (!withTokens && (snapshot.hasAccessToken || snapshot.hasRefreshToken)) broken.push(`${state} with tokens`);
  if (snapshot.hasRefreshToken && snapshot.mode !== "oauth") broken.push("a refresh token in long-lived mode");
  if (snapshot.mode === "oauth" && snapshot.hasAccessToken && !snapshot.hasRefreshToken) broken.push("an OAuth access token without its refresh token");
  if (state === "connected" && (snapshot.failureCount !== 0 || snapshot.nextRetryAt !== null)) broken.push("connected with a failure pending");
  if (state === "degraded" && (snapshot.failureCount === 0 || snapshot.nextRetryAt === null)) broken.push("degraded without a retry scheduled");
  if ((state === "needs_reauth" || state === "revoked" || !withTokens) && snapshot.nextRetryAt !== null) broken.push(`${state} with a retry scheduled`);
  if (state === "degraded" && snapshot.mode !== "oauth") broken.push("degraded in long-lived mode");
  if (state === "configured" && !snapshot.hasCredentials) broken.push("configured without credentials");
  if (state === "revoked" && snapshot.lastErrorCode === null) broken.push("revoked without its error");
  return broken;
}
