import "server-only";
import { getConnection, hasUnreadableSecret } from "@/lib/db/connection";
import type { Connection, ConnectionState, Platform } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { nextKeepaliveAt } from "./connection-state";

/** The status of interfaces.md, computed from the stored connection. No secret, nor anything derived from one. */
export interface ConnectionStatus {
  state: ConnectionState;
  platform: Platform | null;
  mode: "oauth" | "long_lived" | null;
  clientId: string | null;
  /** This deployment's Redirect URI, from APP_URL. */
  redirectUri: string;
  /** The Redirect URI the stored tokens were obtained with; null before any consent. */
  consentRedirectUri: string | null;
  /** APP_URL changed since the consent: the Redirect URI registered in amoCRM must follow (warned on /connect, /status). */
  redirectUriChanged: boolean;
  account: { id: number | null; name: string | null; subdomain: string | null; domain: string | null } | null;
  accessTokenExpiresAt: string | null;
  refreshTokenExpiresAt: string | null;
  lastRefreshAt: string | null;
  nextRefreshAt: string | null;
  nextRetryAt: string | null;
  connectedAt: string | null;
  connectedBy: string | null;
  lastCheck: { at: string; ok: boolean; latencyMs: number | null } | null;
  hasClientSecret: boolean;
  testProvider: string | null;
  lastError: { code: string; at: string; detail: Record<string, string | number> } | null;
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

function parseDetail(value: string | null): Record<string, string | number> {
  if (!value) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, string | number>) : {};
  } catch {
    return {};
  }
}

/**
 * The Redirect URI stored at consent differs from the deployment's current one (APP_URL changed): amoCRM compares it
 * with the one registered in the integration byte for byte (docs/amocrm-contract.md §9.2). Only while tokens are kept.
 */
export function redirectUriChangedSinceConsent(connection: Pick<Connection, "redirectUri" | "accessTokenEnc" | "mode">, current: string): boolean {
  return connection.mode === "oauth" && connection.accessTokenEnc !== null && connection.redirectUri !== null && connection.redirectUri !== current;
}

/** True when a stored secret exists that no configured key can open (the wrong ENCRYPTION_KEY). Cached per value. */
export function hasKeyMismatch(connection: Connection): boolean {
  return hasUnreadableSecret(connection);
}

export async function getConnectionStatus({ now = new Date() }: { now?: Date } = {}): Promise<ConnectionStatus> {
  const env = getEnv();
  const connection = await getConnection();
  const base = {
    redirectUri: env.redirectUri,
    testProvider: env.amocrmApiOrigin ?? null,
  };
  if (!connection) {
    return {
      ...base,
      state: "not_configured",
      platform: null,
      mode: null,
      clientId: null,
      consentRedirectUri: null,
      redirectUriChanged: false,
      account: null,
      accessTokenExpiresAt: null,
      refreshTokenExpiresAt: null,
      lastRefreshAt: null,
      nextRefreshAt: null,
      nextRetryAt: null,
      connectedAt: null,
      connectedBy: null,
      lastCheck: null,
      hasClientSecret: false,
      lastError: null,
    };
  }
  const keyMismatch = hasKeyMismatch(connection);
  const lastError = keyMismatch
    ? { code: "encryption_key_mismatch", at: now.toISOString(), detail: {} }
    : connection.lastErrorCode && connection.lastErrorAt
      ? { code: connection.lastErrorCode, at: connection.lastErrorAt.toISOString(), detail: parseDetail(connection.lastErrorDetail) }
      : null;
  const hasAccount = connection.accountHost !== null;
  return {
    ...base,
    state: keyMismatch ? "error" : connection.state,
    platform: connection.platform,
    mode: connection.mode,
    clientId: connection.clientId,
    consentRedirectUri: connection.redirectUri,
    redirectUriChanged: redirectUriChangedSinceConsent(connection, env.redirectUri),
    account: hasAccount
      ? {
          id: connection.accountId,
          name: connection.accountName,
          subdomain: connection.accountSubdomain,
          domain: connection.accountHost,
        }
      : null,
    accessTokenExpiresAt: iso(connection.accessTokenExpiresAt),
    refreshTokenExpiresAt: iso(connection.refreshTokenExpiresAt),
    lastRefreshAt: iso(connection.lastRefreshAt),
    nextRefreshAt: iso(nextKeepaliveAt(connection, env)),
    nextRetryAt: iso(connection.nextRetryAt),
    connectedAt: iso(connection.connectedAt),
    connectedBy: connection.connectedBy,
    lastCheck:
      connection.lastCheckAt && connection.lastCheckOk !== null
        ? { at: connection.lastCheckAt.toISOString(), ok: connection.lastCheckOk, latencyMs: connection.lastCheckLatencyMs }
        : null,
    hasClientSecret: connection.clientSecretEnc !== null,
    lastError,
  };
}
