// POST /api/amocrm/test: a fresh GET /api/v4/account with a valid token; answers latency and account.
import { amoFetch } from "@/lib/amocrm/client";
import { accountSchema } from "@/lib/amocrm/oauth";
import { addEvent, getConnection, recordCheck } from "@/lib/db/queries/connection";
import { toAppError } from "@/lib/errors";
import { json, withAdminRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = withAdminRoute(async ({ admin }) => {
  try {
    const { data, latencyMs } = await amoFetch("/api/v4/account", { schema: accountSchema });
    recordCheck({ ok: true, latencyMs });
    addEvent({ type: "test_ok", actor: "admin", actorEmail: admin.email, details: { latencyMs } });
    const domain = getConnection()?.accountHost ?? null;
    return json({ ok: true, latencyMs, account: { id: data.id, name: data.name, subdomain: data.subdomain, domain } });
  } catch (error) {
    const code = toAppError(error)?.code ?? "provider_error";
    recordCheck({ ok: false, latencyMs: null });
    addEvent({ type: "test_failed", actor: "admin", actorEmail: admin.email, details: { code } });
    throw error;
  }
});
