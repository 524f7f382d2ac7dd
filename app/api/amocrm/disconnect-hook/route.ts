// GET /api/amocrm/disconnect-hook: amoCRM's "integration disabled" hook; a valid signature revokes the connection once
// amoCRM confirms it refuses the stored token (lib/amocrm/disconnect-hook.ts). Every refusal answers the same 403.
import { acceptDisconnectHook } from "@/lib/amocrm/disconnect-hook";
import { json } from "@/lib/http/route";
import { describeError } from "@/lib/i18n/errors";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const result = await acceptDisconnectHook({
    clientUuid: query.get("client_uuid"),
    accountId: query.get("account_id"),
    signature: query.get("signature"),
  });
  if (result.ok) return json({ ok: true });
  return json({ ok: false, error: { code: result.code, message: await describeError(result.code) } }, result.status);
}
