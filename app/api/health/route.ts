// GET /api/health: 200 {"ok":true} once the database is reachable and migrated.
import { checkDatabase } from "@/lib/db/health";

export const dynamic = "force-dynamic";

export function GET() {
  const health = checkDatabase();
  return Response.json(health, { status: health.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
