// POST /api/amocrm/refresh: the admin's "refresh now"; ignores the backoff wait, records the outcome.
import { refreshNow } from "@/lib/amocrm/tokens";
import { json, withAdminRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = withAdminRoute(async ({ admin }) => {
  const token = await refreshNow({ actorEmail: admin.email });
  return json({ ok: true, accessTokenExpiresAt: token.accessTokenExpiresAt?.toISOString() ?? null });
});
