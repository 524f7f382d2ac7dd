import "server-only";
import { decodeJwt } from "jose";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { amoHttp, providerError } from "./http";

/** amoCRM's OAuth endpoints on the account host (docs/amocrm-contract.md §3, §5). Values in, typed values or AppErrors out. */

const tokenResponseSchema = z.object({
  token_type: z.string().optional(),
  expires_in: z.number().int().positive().max(10 * 365 * 24 * 3600),
  access_token: z.string().min(10).max(20_000),
  refresh_token: z.string().min(10).max(20_000),
  server_time: z.number().optional(),
});

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** Local receive time + expires_in: constant clock skew with amoCRM cancels out (docs/amocrm-contract.md §9.7). */
  accessTokenExpiresAt: Date;
  claims: AccessTokenClaims;
}

export interface AccessTokenClaims {
  accountId?: number;
  apiDomain?: string;
  baseDomain?: string;
  exp?: number;
}

/** The JWT's claims, decoded without verification (amoCRM publishes no key): for display and routing only. */
export function readAccessTokenClaims(token: string): AccessTokenClaims {
  try {
    const payload = decodeJwt(token);
    return {
      accountId: typeof payload.account_id === "number" ? payload.account_id : undefined,
      apiDomain: typeof payload.api_domain === "string" ? payload.api_domain.toLowerCase() : undefined,
      baseDomain: typeof payload.base_domain === "string" ? payload.base_domain : undefined,
      exp: typeof payload.exp === "number" ? payload.exp : undefined,
    };
  } catch {
    return {};
  }
}

interface TokenRequestBase {
  host: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  now?: () => Date;
  signal?: AbortSignal;
}

async function requestTokens(host: string, body: Record<string, string>, now: () => Date, signal?: AbortSignal): Promise<TokenSet> {
  const response = await amoHttp({ host, path: "/oauth2/access_token", method: "POST", json: body, signal });
  if (response.status !== 200) throw providerError(response);
  const parsed = tokenResponseSchema.safeParse(response.body);
  if (!parsed.success) throw new AppError("malformed_response");
  const receivedAt = now();
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    accessTokenExpiresAt: new Date(receivedAt.getTime() + parsed.data.expires_in * 1000),
    claims: readAccessTokenClaims(parsed.data.access_token),
  };
}

/** Exchanges an authorization code. Never retried: a code works once (docs/amocrm-contract.md §9.6). */
export function exchangeCode(input: TokenRequestBase & { code: string }): Promise<TokenSet> {
  return requestTokens(
    input.host,
    {
      client_id: input.clientId,
      client_secret: input.clientSecret,
      grant_type: "authorization_code",
      code: input.code,
      redirect_uri: input.redirectUri,
    },
    input.now ?? (() => new Date()),
  );
}

/** Refreshes with a refresh token; the Redirect URI is sent too, byte for byte the one used before (docs/amocrm-contract.md §3.1). */
export function refreshTokens(input: TokenRequestBase & { refreshToken: string }): Promise<TokenSet> {
  return requestTokens(
    input.host,
    {
      client_id: input.clientId,
      client_secret: input.clientSecret,
      grant_type: "refresh_token",
      refresh_token: input.refreshToken,
      redirect_uri: input.redirectUri,
    },
    input.now ?? (() => new Date()),
    input.signal,
  );
}

export const accountSchema = z.object({
  id: z.number().int(),
  name: z.string().max(500),
  subdomain: z.string().max(100),
});

export type AmoAccount = z.infer<typeof accountSchema>;

/** `GET /api/v4/account`; a non-2xx answer becomes the matching AppError (401 → token_revoked). */
export async function fetchAccount({ host, accessToken }: { host: string; accessToken: string }): Promise<AmoAccount> {
  const response = await amoHttp({ host, path: "/api/v4/account", headers: { Authorization: `Bearer ${accessToken}` } });
  if (response.status !== 200) throw providerError(response);
  const parsed = accountSchema.safeParse(response.body);
  if (!parsed.success) throw new AppError("malformed_response");
  return parsed.data;
}
