import "server-only";
import { connectionAlertFor } from "@/lib/alerts/events";
import { notifyAlertQueued } from "@/lib/alerts/wake";
import { updateConnection, type ConnectionFields, type ConnectionWrite } from "@/lib/db/connection";
import type { Actor } from "@/lib/db/events";
import type { Connection } from "@/lib/db/schema";
import {
  REFRESH_TOKEN_LIFETIME_MS,
  snapshotOf,
  transition,
  type ConnectionEvent,
  type ConnectionSnapshot,
  type Transition,
} from "./connection-state";

/**
 * Performs connection-state transitions: reads the row inside one write transaction, asks the pure machine what
 * the event does to it, and stores the outcome with its effects (tokens stored or forgotten, the event log entry).
 * Every writer of the connection's state goes through `applyConnectionEvent`.
 */

export interface NewTokens {
  accessToken: string;
  /** Null for a long-lived token. */
  refreshToken: string | null;
  accessTokenExpiresAt: Date;
}

export interface ApplyEventInput {
  /** The event, or a function of the current row when the event depends on it (which keys changed). */
  event: ConnectionEvent | ((row: Connection | undefined) => ConnectionEvent);
  now: Date;
  actor: Actor;
  /** Only while the row still has the generation the caller decided from: a writer that lost a race changes nothing. */
  ifGeneration?: number;
  /** The pair a `store_tokens` effect stores. */
  tokens?: NewTokens;
  /** Columns that arrive with the event (account, Redirect URI, the keys), written when the event applies. */
  fields?: ConnectionFields;
  /** A Client Secret that arrives with the event (saved credentials); undefined keeps the saved one. */
  clientSecret?: string;
  /** Safe details for the event log entry, or a function of the new snapshot. */
  details?: Record<string, unknown> | ((next: ConnectionSnapshot) => Record<string, unknown>);
}

export interface ApplyEventResult {
  applied: boolean;
  transition: Transition | null;
  /** The row the decision was made on. */
  before: Connection | undefined;
}

const FORGOTTEN_CREDENTIALS: ConnectionFields = {
  clientId: null,
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
};

/** The row write that makes `result` true. */
function writeFor(result: Transition, input: ApplyEventInput & { before: Connection["state"] | undefined }): ConnectionWrite {
  const { next } = result;
  const { now, actor } = input;
  const fields: ConnectionFields = {
    ...input.fields,
    state: next.state,
    mode: next.mode,
    failureCount: next.failureCount,
    nextRetryAt: next.nextRetryAt,
    updatedAt: now,
  };
  if (actor.actor === "admin") fields.updatedBy = actor.actorEmail ?? null;
  if (result.lastError !== undefined) {
    fields.lastErrorCode = result.lastError?.code ?? null;
    fields.lastErrorDetail = result.lastError?.detail ? JSON.stringify(result.lastError.detail) : null;
    fields.lastErrorAt = result.lastError ? now : null;
  }
  const write: ConnectionWrite = { fields, alert: connectionAlertFor(input.before, next.state, now) };
  if (input.clientSecret !== undefined) write.secrets = { clientSecret: input.clientSecret };
  for (const effect of result.effects) {
    switch (effect.type) {
      case "store_tokens": {
        const tokens = input.tokens;
        if (!tokens) throw new Error("store_tokens needs the new tokens");
        write.secrets = { ...write.secrets, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
        Object.assign(fields, {
          accessTokenExpiresAt: tokens.accessTokenExpiresAt,
          refreshTokenExpiresAt: tokens.refreshToken ? new Date(now.getTime() + REFRESH_TOKEN_LIFETIME_MS) : null,
          lastRefreshAt: now,
        });
        write.bumpGeneration = true;
        break;
      }
      case "forget_tokens":
        write.secrets = { ...write.secrets, accessToken: null, refreshToken: null };
        Object.assign(fields, { accessTokenExpiresAt: null, refreshTokenExpiresAt: null });
        write.bumpGeneration = true;
        break;
      case "forget_credentials":
        write.secrets = { ...write.secrets, clientSecret: null };
        Object.assign(fields, FORGOTTEN_CREDENTIALS);
        break;
      case "clear_refresh_intent":
        Object.assign(fields, { refreshIntentGeneration: null, refreshIntentAt: null });
        break;
      case "log":
        write.event = {
          type: effect.entry,
          actor: actor.actor,
          actorEmail: actor.actorEmail,
          at: now,
          details: typeof input.details === "function" ? input.details(next) : input.details,
        };
        break;
    }
  }
  return write;
}

/** Runs one event through the machine against the stored row and stores the result, atomically. */
export async function applyConnectionEvent(input: ApplyEventInput): Promise<ApplyEventResult> {
  let decided: Transition | null = null;
  const { written, before } = await updateConnection((row) => {
    if (input.ifGeneration !== undefined && row?.generation !== input.ifGeneration) return null;
    const event = typeof input.event === "function" ? input.event(row) : input.event;
    const result = transition(snapshotOf(row), event, input.now);
    if (!result.changed) return null;
    decided = result;
    return writeFor(result, { ...input, before: row?.state });
  });
  // The alert row is committed with the state change; the alert worker sends it at once instead of at its next poll.
  if (written && connectionAlertFor(before?.state, (decided as Transition | null)?.next.state ?? "not_configured", input.now)) notifyAlertQueued();
  return { applied: written, transition: written ? decided : null, before };
}
