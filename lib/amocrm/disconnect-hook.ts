import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { getConnection, readClientSecretOrNull } from "@/lib/db/connection";
import type { ErrorCode } from "@/lib/error-codes";
import { applyConnectionEvent } from "./transitions";

/**
 * amoCRM's "integration disabled" hook (docs/amocrm-contract.md §7.1): `GET ?client_uuid&account_id&signature` where signature is
 * hex(HMAC-SHA256(key: Client Secret, message: `client_id|account_id`)). A valid hook marks the connection `revoked`
 * and forgets the tokens (amoCRM already revoked them); an invalid one changes nothing. Values are never logged.
 */

export interface DisconnectHookParams {
  clientUuid: string | null;
  accountId: string | null;
  signature: string | null;
  now?: Date;
}

export type DisconnectHookResult =
  | { ok: true }
  | { ok: false; status: 401 | 403; code: Extract<ErrorCode, "not_configured" | "signature_invalid"> };

const SIGNATURE = /^[0-9a-f]{64}$/i;
const ACCOUNT_ID = /^[0-9]{1,20}$/;

export function disconnectHookSignature({ clientId, accountId, clientSecret }: { clientId: string; accountId: string; clientSecret: string }): string {
  return createHmac("sha256", clientSecret).update(`${clientId}|${accountId}`).digest("hex");
}

function refuse(reason: string): DisconnectHookResult {
  console.warn(`[amocrm] disconnect hook refused: ${reason}`);
  return { ok: false, status: 403, code: "signature_invalid" };
}

export async function acceptDisconnectHook(params: DisconnectHookParams): Promise<DisconnectHookResult> {
  const connection = await getConnection();
  // A secret no configured key opens cannot verify anything: the same as none saved.
  const clientSecret = connection ? readClientSecretOrNull(connection) : null;
  if (!connection?.clientId || !clientSecret) {
    console.warn("[amocrm] disconnect hook refused: no integration is configured");
    return { ok: false, status: 401, code: "not_configured" };
  }
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

  await applyConnectionEvent({
    event: { type: "revoked_by_hook" },
    now: params.now ?? new Date(),
    actor: { actor: "amocrm" },
    details: { forgetCredentials: false },
  });
  console.info("[amocrm] disconnect hook accepted: the connection is revoked");
  return { ok: true };
}
