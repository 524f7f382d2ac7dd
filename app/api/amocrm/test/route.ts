// POST /api/amocrm/test: a fresh GET /api/v4/account with a valid token; answers latency and account. The admin
// started it, so a refresh it needs is tried at once, even during the backoff wait of the automatic paths.
import { amoFetch } from "@/lib/amocrm/client";
import { accountSchema } from "@/lib/amocrm/oauth";
import { getConnection, recordCheck } from "@/lib/db/connection";
import { addEvent } from "@/lib/db/events";
import { toAppError } from "@/lib/errors";
import { json, withAdminRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = withAdminRoute(async ({ admin }) => {
  try {
    const { data, latencyMs } = await amoFetch("/api/v4/account", { schema: accountSchema, startedByAdmin: true });
    await recordCheck({ ok: true, latencyMs });
    await addEvent({ type: "test_ok", actor: "admin", actorEmail: admin.email, details: { latencyMs } });
    const domain = (await getConnection())?.accountHost ?? null;
    return json({ ok: true, latencyMs, account: { id: data.id, name: data.name, subdomain: data.subdomain, domain } });
  } catch (error) {
    const code = toAppError(error)?.code ?? "provider_error";
    await recordCheck({ ok: false, latencyMs: null });
    await addEvent({ type: "test_failed", actor: "admin", actorEmail: admin.email, details: { code } });
    throw error;
  }
});
