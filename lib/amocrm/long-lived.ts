import "server-only";
import type { Connection, Platform } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { storeConnectedTokens } from "./connection";
import { fetchAccount, readAccessTokenClaims } from "./oauth";
import { parseAccountHost } from "./platform";

/**
 * Long-lived token mode (docs/amocrm-contract.md §6): the admin pastes a token generated in the integration's settings. It is a JWT
 * with an `exp` and no refresh token, so it is never refreshed; getAccessToken returns it until `exp`.
 */

/** The expiry warning starts this long before `exp`. */
export const LONG_LIVED_WARNING_MS = 14 * 24 * 60 * 60 * 1000;

export interface ConnectLongLivedInput {
  platform: Platform;
  /** The normalized account host, e.g. `acoustic.amocrm.ru`. */
  accountAddressHost: string;
  token: string;
  actorEmail: string;
  now?: Date;
}

/**
 * Checks the token (decodable, not expired, accepted by GET /api/v4/account for this account) and stores it as the
 * connection. Nothing is stored when a check fails.
 */
export async function connectLongLivedToken(input: ConnectLongLivedInput): Promise<{ accessTokenExpiresAt: Date }> {
  const now = input.now ?? new Date();
  const host = parseAccountHost(input.accountAddressHost.toLowerCase());
  if (!host || host.platform !== input.platform) throw new AppError("invalid_input", { field: "accountDomain" });

  const claims = readAccessTokenClaims(input.token);
  if (claims.exp === undefined) throw new AppError("invalid_input", { field: "token" });
  const accessTokenExpiresAt = new Date(claims.exp * 1000);
  if (accessTokenExpiresAt.getTime() <= now.getTime()) throw new AppError("long_lived_token_expired");
  // A token of another platform would only fail later with a confusing 401.
  if (claims.baseDomain && claims.baseDomain !== input.platform) throw new AppError("platform_mismatch");

  // Proves the token works on this account before anything is replaced.
  const account = await fetchAccount({ host: host.host, accessToken: input.token });
  if (claims.accountId !== undefined && claims.accountId !== account.id) throw new AppError("account_mismatch");

  await storeConnectedTokens({
    mode: "long_lived",
    platform: input.platform,
    accessToken: input.token,
    refreshToken: null,
    accessTokenExpiresAt,
    redirectUri: null,
    accountHost: host.host,
    account,
    apiDomain: claims.apiDomain ?? null,
    actor: "admin",
    actorEmail: input.actorEmail,
    now,
  });
  console.info("[amocrm] long-lived token connected");
  return { accessTokenExpiresAt };
}

/** True from 14 days before a long-lived token's expiry on (and after it): the admin should paste a new one. */
export function longLivedExpiryWarning(
  connection: Pick<Connection, "mode" | "accessTokenExpiresAt" | "accessTokenEnc">,
  now: Date = new Date(),
): boolean {
  if (connection.mode !== "long_lived" || !connection.accessTokenEnc || !connection.accessTokenExpiresAt) return false;
  return now.getTime() >= connection.accessTokenExpiresAt.getTime() - LONG_LIVED_WARNING_MS;
}
