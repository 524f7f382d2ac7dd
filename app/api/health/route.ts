// GET /api/health: 200 {"ok":true} once the database is reachable and migrated. Anyone may ask, so it says nothing
// about the installation (whether keys are saved, whether the encryption key opens them): the admin's /status does.
import { checkDatabase } from "@/lib/db/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkDatabase();
  if (!health.ok) return Response.json(health, { status: 503, headers: { "Cache-Control": "no-store" } });
  return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
}
