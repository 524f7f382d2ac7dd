// GET /api/health: 200 {"ok":true} once the database is reachable and migrated. When the configured keys cannot
// open the stored secrets, it still answers 200 (the server runs) and says so plainly.
import { hasKeyMismatch } from "@/lib/amocrm/status";
import { getConnection } from "@/lib/db/connection";
import { checkDatabase } from "@/lib/db/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkDatabase();
  if (!health.ok) return Response.json(health, { status: 503, headers: { "Cache-Control": "no-store" } });
  const connection = await getConnection();
  const body =
    connection && hasKeyMismatch(connection)
      ? { ok: true, problems: ["encryption key does not match the stored secrets"] }
      : { ok: true };
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
}
