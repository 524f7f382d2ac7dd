import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { getConnection, readClientSecretOrNull } from "@/lib/db/connection";
import type { Connection } from "@/lib/db/schema";
import type { ErrorCode } from "@/lib/error-codes";
import { AppError } from "@/lib/errors";
import { classifyRefreshFailure, type ConnectionState } from "./connection-state";
import { amoHttp } from "./http";
import { getAccessToken } from "./tokens";
import { applyConnectionEvent } from "./transitions";

/**
 * amoCRM's "integration disabled" hook (docs/amocrm-contract.md §7.1): `GET ?client_uuid&account_id&signature` where
 * signature is hex(HMAC-SHA256(key: Client Secret, message: `client_id|account_id`)). Values are never logged.
 *
 * The signature never changes until the Client Secret does, so a captured hook URL could be replayed forever. A valid
 * signature is therefore not enough to forget working tokens: amoCRM is asked first (`GET /api/v4/account` with the
 * stored token, through the one outbound gate). Only when amoCRM refuses the token (401, or it refuses the refresh
 * token when the access token had to be refreshed first) is the connection marked `revoked` and the tokens forgotten.
 * - amoCRM still accepts the token: a replay. Nothing changes; the event `disconnect_hook_refused` is recorded.
 * - amoCRM cannot be asked (timeout, 5xx, 403 block, a backoff wait): nothing changes either, and the event
 *   `disconnect_hook_unconfirmed` is recorded. If the integration really was disabled, the next use of the token gets
 *   amoCRM's 401, the refresh is refused and the connection becomes `needs_reauth` by the usual path.
 * - A connection with no working tokens has nothing a replay could wipe: the hook applies at once (as before).
 * amoCRM is asked at most once a minute per process: a flood of replays cannot spend the 7-per-second budget.
 *
 * Every refusal answers alike (403 `signature_invalid`), whether nothing is configured, the signature is wrong or
 * amoCRM did not confirm: an anonymous caller learns nothing about the installation. The reason goes to the log.
 */

export interface DisconnectHookParams {
  clientUuid: string | null;
  accountId: string | null;
  signature: string | null;
  now?: Date;
}

export type DisconnectHookResult = { ok: true } | { ok: false; status: 403; code: Extract<ErrorCode, "signature_invalid"> };

const SIGNATURE = /^[0-9a-f]{64}$/i;
const ACCOUNT_ID = /^[0-9]{1,20}$/;
/** The least time between two questions to amoCRM about a hook. */
export const HOOK_CONFIRM_INTERVAL_MS = 60_000;

export function disconnectHookSignature({ clientId, accountId, clientSecret }: { clientId: string; accountId: string; clientSecret: string }): string {
  return createHmac("sha256", clientSecret).update(`${clientId}|${accountId}`).digest("hex");
}

const REFUSED: DisconnectHookResult = { ok: false, status: 403, code: "signature_invalid" };

function refuse(reason: string): DisconnectHookResult {
  console.warn(`[amocrm] disconnect hook refused: ${reason}`);
  return REFUSED;
}

type Confirmation = { outcome: "revoked"; generation: number } | { outcome: "token_accepted" | "amocrm_unreachable" };

// Codes after which the connection has no token that works any more: amoCRM refused the refresh token (or the keys),
// or the token cannot be used at all.
const NOTHING_WORKING: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["revoked", "needs_reauth", "not_connected", "long_lived_token_expired"]);

/**
 * Asks amoCRM whether it still accepts the connection's token. The token is first made valid (refreshed when it is
 * about to expire): a 401 to an expired token proves nothing, while a refused refresh token does.
 */
async function askAmoCrm(connection: Connection, now: Date): Promise<Confirmation> {
  let token;
  try {
    token = await getAccessToken({ now });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (NOTHING_WORKING.has(error.code) || classifyRefreshFailure(error.code) === "permanent") {
      return { outcome: "revoked", generation: connection.generation };
    }
    return { outcome: "amocrm_unreachable" };
  }
  try {
    const answer = await amoHttp({ host: token.accountHost, path: "/api/v4/account", headers: { Authorization: `Bearer ${token.accessToken}` } });
    if (answer.status === 401) return { outcome: "revoked", generation: token.generation };
    if (answer.status >= 200 && answer.status < 300) return { outcome: "token_accepted" };
    return { outcome: "amocrm_unreachable" };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { outcome: "amocrm_unreachable" };
  }
}

// States whose tokens may still work (an error state is amoCRM answering about the account, not about the token).
const WITH_USABLE_TOKENS: ReadonlySet<ConnectionState> = new Set<ConnectionState>(["connected", "degraded", "error"]);

// Per process: when amoCRM was last asked and did not confirm, so replays cannot make this server call amoCRM more than
// once a minute. Set before asking, so simultaneous replays are refused too.
let lastAskedAt: number | null = null;

export async function acceptDisconnectHook(params: DisconnectHookParams): Promise<DisconnectHookResult> {
  const now = params.now ?? new Date();
  const connection = await getConnection();
  // A secret no configured key opens cannot verify anything: the same as none saved.
  const clientSecret = connection ? readClientSecretOrNull(connection) : null;
  if (!connection?.clientId || !clientSecret) return refuse("no integration is configured");
  const { clientUuid, accountId, signature } = params;
  if (!clientUuid || !accountId || !signature || !SIGNATURE.test(signature) || !ACCOUNT_ID.test(accountId)) {
    return refuse("missing or malformed parameters");
  }
  if (clientUuid.toLowerCase() !== connection.clientId.toLowerCase()) return refuse("client_uuid is not the saved Client ID");
  const expected = Buffer.from(disconnectHookSignature({ clientId: connection.clientId, accountId, clientSecret }), "hex");
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) return refuse("signature does not match");
  if (connection.accountId !== null && String(connection.accountId) !== accountId) {
    return refuse("account_id is not the connected account");
  }

  let ifGeneration: number | undefined;
  if (connection.accessTokenEnc !== null && WITH_USABLE_TOKENS.has(connection.state)) {
    if (lastAskedAt !== null && now.getTime() - lastAskedAt < HOOK_CONFIRM_INTERVAL_MS) {
      return refuse("amoCRM was asked about a disconnect hook less than a minute ago; the tokens are kept");
    }
    lastAskedAt = now.getTime();
    const confirmation = await askAmoCrm(connection, now);
    if (confirmation.outcome !== "revoked") {
      await applyConnectionEvent({
        event: { type: "hook_not_confirmed", reason: confirmation.outcome },
        now,
        actor: { actor: "amocrm" },
        details: { reason: confirmation.outcome },
      });
      return refuse(
        confirmation.outcome === "token_accepted"
          ? "amoCRM still accepts the stored token (a replayed hook?); the tokens are kept"
          : "amoCRM could not be asked to confirm it; the tokens are kept",
      );
    }
    // A confirmed revocation leaves nothing to replay against until a new consent: no wait for the next hook.
    lastAskedAt = null;
    ifGeneration = confirmation.generation;
  }

  const { applied } = await applyConnectionEvent({
    event: { type: "revoked_by_hook" },
    now,
    actor: { actor: "amocrm" },
    ifGeneration,
    details: { forgetCredentials: false },
  });
  console.info(
    applied ? "[amocrm] disconnect hook accepted: the connection is revoked" : "[amocrm] disconnect hook accepted: nothing left to revoke",
  );
  return { ok: true };
}
