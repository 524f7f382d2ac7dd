import "server-only";
import { readClientSecretOrNull } from "@/lib/db/connection";
import type { Actor } from "@/lib/db/events";
import type { Platform } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { applyConnectionEvent } from "./transitions";

/**
 * The admin's and the OAuth flow's writes to the connection: saved keys, a new token pair from a consent or a
 * long-lived token, a disconnect. Each is one event of lib/amocrm/connection-state.ts.
 */

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
export async function saveCredentials(input: SaveCredentialsInput): Promise<{ reauthorizationNeeded: boolean }> {
  const now = input.now ?? new Date();
  let secretChanged = false;
  let clientIdChanged = false;
  const { transition } = await applyConnectionEvent({
    event: (row) => {
      // A saved secret no configured key opens counts as changed: the new one replaces it.
      secretChanged = input.clientSecret !== undefined && (!row || readClientSecretOrNull(row) !== input.clientSecret);
      clientIdChanged = row?.clientId !== input.clientId;
      const platformChanged = row !== undefined && row.platform !== input.platform;
      return { type: secretChanged || clientIdChanged || platformChanged ? "credentials_changed" : "credentials_saved" };
    },
    now,
    actor: { actor: "admin", actorEmail: input.actorEmail },
    fields: {
      platform: input.platform,
      clientId: input.clientId,
      expectedAccountHost: input.expectedAccountHost,
      ...(input.clientSecret !== undefined ? { clientSecretSavedAt: now } : {}),
    },
    clientSecret: input.clientSecret,
    details: () => ({ clientIdChanged, secretChanged, platform: input.platform }),
  });
  return { reauthorizationNeeded: transition?.next.state === "needs_reauth" && transition.lastError?.code === "needs_reauth" };
}

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
  now?: Date;
}

/** A consent (OAuth) or a pasted long-lived token: the new pair with its account, state `connected`, one event. */
export async function storeConnectedTokens(input: StoreTokensInput): Promise<void> {
  const now = input.now ?? new Date();
  const { applied } = await applyConnectionEvent({
    event: { type: input.mode === "oauth" ? "consented" : "long_lived_token_saved" },
    now,
    actor: { actor: input.actor, actorEmail: input.actorEmail },
    tokens: { accessToken: input.accessToken, refreshToken: input.refreshToken, accessTokenExpiresAt: input.accessTokenExpiresAt },
    fields: {
      platform: input.platform,
      redirectUri: input.redirectUri,
      accountHost: input.accountHost,
      accountId: input.account?.id ?? null,
      accountName: input.account?.name ?? null,
      accountSubdomain: input.account?.subdomain ?? input.accountHost.split(".")[0] ?? null,
      apiDomain: input.apiDomain,
      connectedAt: now,
      connectedBy: input.actorEmail ?? null,
      updatedBy: input.actorEmail ?? null,
    },
    details: {
      accountHost: input.accountHost,
      accountId: input.account?.id ?? null,
      accessTokenExpiresAt: input.accessTokenExpiresAt.toISOString(),
    },
  });
  // The callback checks the saved keys first; a consent without them cannot be stored.
  if (!applied) throw new AppError("not_configured");
}

/** Forgets the tokens (and, when asked, the credentials). The event log stays. */
export async function disconnect({ forgetCredentials, actorEmail, now = new Date() }: { forgetCredentials: boolean; actorEmail: string; now?: Date }): Promise<void> {
  await applyConnectionEvent({
    event: { type: "disconnected", forgetCredentials },
    now,
    actor: { actor: "admin", actorEmail },
    details: { forgetCredentials },
  });
}
