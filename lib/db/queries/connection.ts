import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { getDb } from "@/lib/db/client";
import {
  connectionEvents,
  connections,
  oauthStates,
  type Connection,
  type ConnectionEvent,
  type ConnectionState,
  type NewConnection,
  type Platform,
} from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import type { ErrorCode } from "@/lib/error-codes";

/** The app connects one amoCRM account; its row has this id. */
export const CONNECTION_ID = 1;

/** amoCRM revokes a refresh token that was not used for three months (contract §3.3). */
export const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

type SecretColumn = "client_secret_enc" | "access_token_enc" | "refresh_token_enc";

/** Encrypts a value for one of the connection row's secret columns, under the current key. */
function seal(value: string, column: SecretColumn): string {
  return encryptSecret(value, { table: "connections", column, rowId: CONNECTION_ID }, getEnv().encryptionKeys[0]);
}

function open(value: string, column: SecretColumn): string {
  return decryptSecret(value, { table: "connections", column, rowId: CONNECTION_ID }, getEnv().encryptionKeys);
}

export type Actor = { actor: "admin" | "system" | "amocrm"; actorEmail?: string | null };

// Prepared once per database handle: building the query on every call cost 20 times the read itself, and every
// token use reads this row.
const preparedGetConnection = new WeakMap<object, { get(): Connection | undefined }>();

export function getConnection(): Connection | undefined {
  const db = getDb();
  let prepared = preparedGetConnection.get(db);
  if (!prepared) {
    prepared = db.select().from(connections).where(eq(connections.id, CONNECTION_ID)).prepare();
    preparedGetConnection.set(db, prepared);
  }
  return prepared.get();
}

export function listEvents({ limit = 20 }: { limit?: number } = {}): ConnectionEvent[] {
  return getDb()
    .select()
    .from(connectionEvents)
    .where(eq(connectionEvents.connectionId, CONNECTION_ID))
    .orderBy(desc(connectionEvents.at), desc(connectionEvents.id))
    .limit(limit)
    .all();
}

type Tx = Parameters<Parameters<ReturnType<typeof getDb>["transaction"]>[0]>[0];

function insertEvent(
  tx: Tx | ReturnType<typeof getDb>,
  { type, details, at, actor, actorEmail }: Actor & { type: string; details?: Record<string, unknown>; at: Date },
): void {
  tx.insert(connectionEvents)
    .values({
      connectionId: CONNECTION_ID,
      at,
      actor,
      actorEmail: actorEmail ?? null,
      type,
      details: details ? JSON.stringify(details) : null,
    })
    .run();
}

export function addEvent(input: Actor & { type: string; details?: Record<string, unknown>; at?: Date }): void {
  insertEvent(getDb(), { ...input, at: input.at ?? new Date() });
}

/** The access token alone, for the hot path that only needs it; throws DecryptionError like readSecrets. */
export function readAccessToken(connection: Connection): string | null {
  return connection.accessTokenEnc ? open(connection.accessTokenEnc, "access_token_enc") : null;
}

/** Decrypted secrets of the connection; throws DecryptionError when no configured key opens them. */
export function readSecrets(connection: Connection): {
  clientSecret: string | null;
  accessToken: string | null;
  refreshToken: string | null;
} {
  return {
    clientSecret: connection.clientSecretEnc ? open(connection.clientSecretEnc, "client_secret_enc") : null,
    accessToken: connection.accessTokenEnc ? open(connection.accessTokenEnc, "access_token_enc") : null,
    refreshToken: connection.refreshTokenEnc ? open(connection.refreshTokenEnc, "refresh_token_enc") : null,
  };
}

export interface SaveCredentialsInput {
  platform: Platform;
  clientId: string;
  /** Undefined keeps the saved secret. */
  clientSecret: string | undefined;
  expectedAccountHost: string | null;
  actorEmail: string;
  now?: Date;
}

/**
 * Saves the integration's credentials. When they change under a live connection the tokens stay (nothing is
 * destroyed) but the state says re-authorization is needed, because they belong to the old integration.
 */
export function saveCredentials(input: SaveCredentialsInput): { reauthorizationNeeded: boolean } {
  const now = input.now ?? new Date();
  return getDb().transaction((tx) => {
    const existing = tx.select().from(connections).where(eq(connections.id, CONNECTION_ID)).get();
    const secretChanged =
      input.clientSecret !== undefined &&
      (!existing?.clientSecretEnc || safeOpen(existing.clientSecretEnc, "client_secret_enc") !== input.clientSecret);
    const clientIdChanged = existing?.clientId !== input.clientId;
    const platformChanged = existing !== undefined && existing.platform !== input.platform;
    const hasTokens = Boolean(existing?.accessTokenEnc);
    const reauthorizationNeeded = hasTokens && (secretChanged || clientIdChanged || platformChanged);

    const values: Partial<NewConnection> = {
      platform: input.platform,
      mode: "oauth",
      clientId: input.clientId,
      expectedAccountHost: input.expectedAccountHost,
      updatedAt: now,
      updatedBy: input.actorEmail,
    };
    if (input.clientSecret !== undefined && secretChanged) {
      values.clientSecretEnc = seal(input.clientSecret, "client_secret_enc");
      values.clientSecretSavedAt = now;
    }
    if (!hasTokens) values.state = "configured";
    if (reauthorizationNeeded) {
      Object.assign(values, { state: "needs_reauth", lastErrorCode: "needs_reauth", lastErrorDetail: null, lastErrorAt: now });
    }
    if (existing) {
      tx.update(connections).set(values).where(eq(connections.id, CONNECTION_ID)).run();
    } else {
      tx.insert(connections)
        .values({ ...values, id: CONNECTION_ID, platform: input.platform, updatedAt: now })
        .run();
    }
    insertEvent(tx, {
      type: "credentials_saved",
      actor: "admin",
      actorEmail: input.actorEmail,
      at: now,
      details: { clientIdChanged, secretChanged, platform: input.platform },
    });
    return { reauthorizationNeeded };
  });
}

function safeOpen(value: string, column: SecretColumn): string | null {
  try {
    return open(value, column);
  } catch {
    return null;
  }
}

// ---- OAuth state -------------------------------------------------------------------------------------------

export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

export function hashState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

/** 32 random bytes for the consent page's `state`; only the hash is stored, bound to the admin. */
export function createOauthState({ adminId, now = new Date() }: { adminId: number; now?: Date }): string {
  const state = randomBytes(32).toString("base64url");
  getDb()
    .insert(oauthStates)
    .values({ stateHash: hashState(state), adminId, createdAt: now, expiresAt: new Date(now.getTime() + OAUTH_STATE_TTL_MS) })
    .run();
  return state;
}

export type ConsumeStateResult =
  | { ok: true; stateHash: string }
  | { ok: false; code: "state_invalid" | "state_expired" | "state_other_admin" }
  | { ok: false; code: "state_used"; outcome: string | null };

/** Marks the state used in one conditional update, so two callbacks racing with one state cannot both pass. */
export function consumeOauthState({ state, adminId, now = new Date() }: { state: string; adminId: number; now?: Date }): ConsumeStateResult {
  const stateHash = hashState(state);
  const db = getDb();
  const used = db
    .update(oauthStates)
    .set({ usedAt: now })
    .where(
      and(
        eq(oauthStates.stateHash, stateHash),
        eq(oauthStates.adminId, adminId),
        isNull(oauthStates.usedAt),
        gt(oauthStates.expiresAt, now),
      ),
    )
    .run();
  if (used.changes === 1) return { ok: true, stateHash };
  const row = db.select().from(oauthStates).where(eq(oauthStates.stateHash, stateHash)).get();
  if (!row) return { ok: false, code: "state_invalid" };
  if (row.adminId !== adminId) return { ok: false, code: "state_other_admin" };
  if (row.usedAt) return { ok: false, code: "state_used", outcome: row.outcome };
  return { ok: false, code: "state_expired" };
}

export function setOauthStateOutcome({ stateHash, outcome }: { stateHash: string; outcome: string }): void {
  getDb().update(oauthStates).set({ outcome }).where(eq(oauthStates.stateHash, stateHash)).run();
}

// ---- Tokens ------------------------------------------------------------------------------------------------

export interface StoreTokensInput extends Actor {
  mode: "oauth" | "long_lived";
  platform: Platform;
  accessToken: string;
  refreshToken: string | null;
  accessTokenExpiresAt: Date;
  redirectUri: string | null;
  accountHost: string;
  account: { id: number; name: string; subdomain: string } | null;
  apiDomain: string | null;
  eventType: string;
  now?: Date;
}

/**
 * The columns of a freshly stored token pair: encrypted tokens, their expiries, state `connected`, and no error,
 * backoff or pending refresh intent left over. Shared by the first connection and every refresh.
 */
export function freshTokenColumns(input: {
  accessToken: string;
  refreshToken: string | null;
  accessTokenExpiresAt: Date;
  now: Date;
}): Partial<NewConnection> {
  return {
    accessTokenEnc: seal(input.accessToken, "access_token_enc"),
    refreshTokenEnc: input.refreshToken ? seal(input.refreshToken, "refresh_token_enc") : null,
    accessTokenExpiresAt: input.accessTokenExpiresAt,
    refreshTokenExpiresAt: input.refreshToken ? new Date(input.now.getTime() + REFRESH_TOKEN_LIFETIME_MS) : null,
    lastRefreshAt: input.now,
    state: "connected",
    lastErrorCode: null,
    lastErrorDetail: null,
    lastErrorAt: null,
    failureCount: 0,
    nextRetryAt: null,
    refreshIntentGeneration: null,
    refreshIntentAt: null,
  };
}

/** Stores a new token pair with the account, state `connected`, generation + 1 and an event, in one transaction. */
export function storeConnectedTokens(input: StoreTokensInput): void {
  const now = input.now ?? new Date();
  getDb().transaction((tx) => {
    const values: Partial<NewConnection> = {
      platform: input.platform,
      mode: input.mode,
      ...freshTokenColumns({ ...input, now }),
      redirectUri: input.redirectUri,
      accountHost: input.accountHost,
      accountId: input.account?.id ?? null,
      accountName: input.account?.name ?? null,
      accountSubdomain: input.account?.subdomain ?? input.accountHost.split(".")[0] ?? null,
      apiDomain: input.apiDomain,
      connectedAt: now,
      connectedBy: input.actorEmail ?? null,
      updatedAt: now,
      updatedBy: input.actorEmail ?? null,
    };
    const existing = tx.select({ id: connections.id }).from(connections).where(eq(connections.id, CONNECTION_ID)).get();
    if (existing) {
      tx.update(connections)
        .set({ ...values, generation: sql`${connections.generation} + 1` })
        .where(eq(connections.id, CONNECTION_ID))
        .run();
    } else {
      tx.insert(connections).values({ ...values, id: CONNECTION_ID, platform: input.platform, updatedAt: now, generation: 1 }).run();
    }
    insertEvent(tx, {
      type: input.eventType,
      actor: input.actor,
      actorEmail: input.actorEmail,
      at: now,
      details: {
        accountHost: input.accountHost,
        accountId: input.account?.id ?? null,
        accessTokenExpiresAt: input.accessTokenExpiresAt.toISOString(),
      },
    });
  });
}

/**
 * Records a failure: the error is shown on /status and logged as an event. The state changes only when asked
 * (a failed authorization never touches a working connection).
 */
export function recordConnectionError(
  input: Actor & {
    code: ErrorCode;
    detail?: Record<string, string | number>;
    eventType: string;
    state?: ConnectionState;
    nextRetryAt?: Date | null;
    failureCount?: number;
    now?: Date;
  },
): void {
  const now = input.now ?? new Date();
  getDb().transaction((tx) => {
    const existing = tx.select({ id: connections.id }).from(connections).where(eq(connections.id, CONNECTION_ID)).get();
    if (existing) {
      const values: Partial<NewConnection> = {
        lastErrorCode: input.code,
        lastErrorDetail: input.detail ? JSON.stringify(input.detail) : null,
        lastErrorAt: now,
      };
      if (input.state) values.state = input.state;
      if (input.nextRetryAt !== undefined) values.nextRetryAt = input.nextRetryAt;
      if (input.failureCount !== undefined) values.failureCount = input.failureCount;
      tx.update(connections).set(values).where(eq(connections.id, CONNECTION_ID)).run();
    }
    insertEvent(tx, {
      type: input.eventType,
      actor: input.actor,
      actorEmail: input.actorEmail,
      at: now,
      details: { code: input.code, ...input.detail },
    });
  });
}

export function recordCheck({ ok, latencyMs, now = new Date() }: { ok: boolean; latencyMs: number | null; now?: Date }): void {
  getDb()
    .update(connections)
    .set({ lastCheckAt: now, lastCheckOk: ok, lastCheckLatencyMs: latencyMs })
    .where(eq(connections.id, CONNECTION_ID))
    .run();
}

/** Forgets the tokens (and, when asked, the credentials). The event log stays. */
export function forgetTokens(
  input: Actor & { forgetCredentials: boolean; state: ConnectionState; eventType: string; code?: ErrorCode; now?: Date },
): void {
  const now = input.now ?? new Date();
  getDb().transaction((tx) => {
    const existing = tx.select().from(connections).where(eq(connections.id, CONNECTION_ID)).get();
    if (!existing) return;
    const values: Partial<NewConnection> = {
      // Without tokens the saved keys (if any) are OAuth keys again, whatever connected before.
      mode: "oauth",
      accessTokenEnc: null,
      refreshTokenEnc: null,
      accessTokenExpiresAt: null,
      refreshTokenExpiresAt: null,
      refreshIntentGeneration: null,
      refreshIntentAt: null,
      nextRetryAt: null,
      failureCount: 0,
      state: input.forgetCredentials ? "not_configured" : input.state,
      lastErrorCode: input.code ?? null,
      lastErrorDetail: null,
      lastErrorAt: input.code ? now : null,
      updatedAt: now,
      updatedBy: input.actorEmail ?? null,
    };
    if (input.forgetCredentials) {
      Object.assign(values, {
        clientId: null,
        clientSecretEnc: null,
        clientSecretSavedAt: null,
        expectedAccountHost: null,
        accountHost: null,
        accountId: null,
        accountName: null,
        accountSubdomain: null,
        apiDomain: null,
        connectedAt: null,
        connectedBy: null,
        lastRefreshAt: null,
        lastCheckAt: null,
        lastCheckOk: null,
        lastCheckLatencyMs: null,
      });
    }
    tx.update(connections).set({ ...values, generation: sql`${connections.generation} + 1` }).where(eq(connections.id, CONNECTION_ID)).run();
    insertEvent(tx, { type: input.eventType, actor: input.actor, actorEmail: input.actorEmail, at: now, details: { forgetCredentials: input.forgetCredentials } });
  });
}
