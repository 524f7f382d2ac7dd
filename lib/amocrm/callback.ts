import "server-only";
import { z } from "zod";
import { getConnection, readSecrets } from "@/lib/db/connection";
import { addEvent } from "@/lib/db/events";
import { consumeOauthState, setOauthStateOutcome } from "@/lib/db/oauth-states";
import type { Admin } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { AppError, toAppError } from "@/lib/errors";
import type { ErrorCode } from "@/lib/error-codes";
import { storeConnectedTokens } from "./connection";
import { exchangeCode, fetchAccount, type AmoAccount } from "./oauth";
import { validateReferer } from "./platform";
import { applyConnectionEvent } from "./transitions";

/** The callback's query (docs/amocrm-contract.md §2). Bounded lengths: real codes are about 1,000–1,150 characters. */
export const callbackQuerySchema = z.object({
  code: z.string().min(1).max(4096).optional(),
  state: z.string().min(1).max(256).optional(),
  referer: z.string().min(1).max(253).optional(),
  client_id: z.string().min(1).max(100).optional(),
  error: z.string().min(1).max(100).optional(),
  platform: z.string().max(10).optional(),
  from_widget: z.string().max(10).optional(),
});
export type CallbackQuery = z.infer<typeof callbackQuerySchema>;

/** Parses the URL's query; repeated parameters are refused rather than guessed. */
export function parseCallbackQuery(params: URLSearchParams): CallbackQuery | null {
  const entries: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in entries) return null;
    entries[key] = value;
  }
  const parsed = callbackQuerySchema.safeParse(entries);
  return parsed.success ? parsed.data : null;
}

export type CallbackOutcome = { ok: true } | { ok: false; code: ErrorCode };

/**
 * Finishes the OAuth flow for a signed-in admin, in the order of the issue: state, referer, client id, then (and
 * only then) the code exchange, the account read and one transaction that stores everything. A failure after the
 * state check records the error but leaves any existing connection exactly as it was.
 */
export async function completeAuthorization({
  query,
  admin,
  now = () => new Date(),
}: {
  query: CallbackQuery;
  admin: Admin;
  now?: () => Date;
}): Promise<CallbackOutcome> {
  if (!query.state || !query.code) return { ok: false, code: "invalid_callback" };
  const consumed = await consumeOauthState({ state: query.state, adminId: admin.id, now: now() });
  if (!consumed.ok) return { ok: false, code: consumed.code };

  const outcome = await exchangeAfterState({ query: { ...query, code: query.code }, admin, now });
  await setOauthStateOutcome({ stateHash: consumed.stateHash, outcome: outcome.ok ? "connected" : outcome.code });
  return outcome;
}

async function exchangeAfterState({
  query,
  admin,
  now,
}: {
  query: CallbackQuery & { code: string };
  admin: Admin;
  now: () => Date;
}): Promise<CallbackOutcome> {
  const fail = async (code: ErrorCode, detail: Record<string, string | number> = {}): Promise<CallbackOutcome> => {
    // The error is shown on /status; the connection itself stays exactly as it was.
    await applyConnectionEvent({
      event: { type: "authorization_failed", code, detail },
      now: now(),
      actor: { actor: "admin", actorEmail: admin.email },
      details: { code, ...detail },
    });
    console.warn(`[amocrm] authorization failed: ${code}`);
    return { ok: false, code };
  };

  const connection = await getConnection();
  if (!connection?.clientId || !connection.clientSecretEnc) return await fail("not_configured");
  const account = query.referer ? validateReferer(query.referer) : null;
  if (!account) return await fail("referer_invalid");
  if (account.platform !== connection.platform) return await fail("platform_mismatch", { host: account.host });
  if (connection.expectedAccountHost && connection.expectedAccountHost !== account.host) {
    return await fail("account_mismatch", { host: account.host, expected: connection.expectedAccountHost });
  }
  if (query.client_id !== undefined && query.client_id.toLowerCase() !== connection.clientId.toLowerCase()) {
    return await fail("client_id_mismatch");
  }

  const { redirectUri } = getEnv();
  try {
    const { clientSecret } = readSecrets(connection);
    const tokens = await exchangeCode({
      host: account.host,
      clientId: connection.clientId,
      clientSecret: clientSecret ?? "",
      code: query.code,
      redirectUri,
      now,
    });
    let accountInfo: AmoAccount | null = null;
    try {
      accountInfo = await fetchAccount({ host: account.host, accessToken: tokens.accessToken });
    } catch (error) {
      // The code is spent and the tokens are good: keep them, and say the account could not be read yet.
      if (!(error instanceof AppError)) throw error;
      await addEvent({ type: "account_read_failed", actor: "system", details: { code: error.code }, at: now() });
    }
    await storeConnectedTokens({
      mode: "oauth",
      platform: connection.platform,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      redirectUri,
      accountHost: account.host,
      account: accountInfo ?? (tokens.claims.accountId ? { id: tokens.claims.accountId, name: account.subdomain, subdomain: account.subdomain } : null),
      apiDomain: tokens.claims.apiDomain ?? null,
      actor: "admin",
      actorEmail: admin.email,
      now: now(),
    });
    console.info(`[amocrm] connected to ${account.host}`);
    return { ok: true };
  } catch (error) {
    const appError = toAppError(error);
    if (!appError) throw error;
    return await fail(appError.code, { ...appError.detail, host: account.host });
  }
}
