import "server-only";
import { z } from "zod";
import type { Platform } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { amoHttp } from "./http";
import { parseAccountHost } from "./platform";

/**
 * Finding a renamed account (docs/amocrm-contract.md §5.1, §9.4): `GET https://{api_domain}/oauth2/account/current/subdomain` with
 * the refresh token in `X-Refresh-Token` names the account's current host. The deprecated `www` lookup for tokens
 * without `api_domain` is not used: the outbound gate refuses `www` hosts.
 */

const subdomainSchema = z.object({
  id: z.number().int(),
  subdomain: z.string().max(100),
  domain: z.string().max(253),
});

export interface CurrentAccountHost {
  host: string;
  subdomain: string;
  accountId: number;
}

/**
 * A refresh answered like this on the stored host may mean the account moved: a 404, a redirect (never followed:
 * lib/amocrm/http.ts), the hint "Invalid account", or a 401 that is not one of the token endpoint's explicit
 * refusals (those carry a hint such as "Token has been revoked").
 */
export function looksLikeRenamedAccount(error: unknown): boolean {
  if (!(error instanceof AppError)) return false;
  if (error.code === "account_not_found" || error.code === "invalid_account" || isRedirectAnswer(error)) return true;
  return error.detail.status === 401 && error.detail.hint === undefined && error.code !== "client_auth_failed";
}

/** amoHttp refuses to follow a 3xx and reports it as provider_error with the status. */
export function isRedirectAnswer(error: unknown): boolean {
  if (!(error instanceof AppError) || error.code !== "provider_error") return false;
  const status = error.detail.status;
  return typeof status === "number" && status >= 300 && status < 400;
}

/** The account's current host, or null when amoCRM does not say or says something that is not this account's. */
export async function lookupCurrentAccountHost({
  apiDomain,
  refreshToken,
  platform,
  accountId,
}: {
  apiDomain: string;
  refreshToken: string;
  platform: Platform;
  accountId: number | null;
}): Promise<CurrentAccountHost | null> {
  const response = await amoHttp({
    host: apiDomain,
    path: "/oauth2/account/current/subdomain",
    headers: { "X-Refresh-Token": refreshToken },
  });
  if (response.status !== 200) {
    console.warn(`[amocrm] account subdomain lookup answered ${response.status}`);
    return null;
  }
  const parsed = subdomainSchema.safeParse(response.body);
  if (!parsed.success) return null;
  // The answer becomes the host of the next token request: the same strict rule as a callback's referer (SSRF).
  const host = parseAccountHost(parsed.data.domain.toLowerCase());
  if (!host || host.platform !== platform) return null;
  if (accountId !== null && parsed.data.id !== accountId) return null;
  return { host: host.host, subdomain: host.subdomain, accountId: parsed.data.id };
}
