// GET /api/amocrm/status: the connection status JSON of interfaces.md (admin only).
import { getConnectionStatus } from "@/lib/amocrm/status";
import { json, withAdminRoute } from "@/lib/http/route";
import { describeError } from "@/lib/i18n/errors";

export const dynamic = "force-dynamic";

export const GET = withAdminRoute(async () => {
  const { lastError, ...status } = await getConnectionStatus();
  return json({
    ...status,
    lastError: lastError ? { code: lastError.code, message: await describeError(lastError.code, lastError.detail), at: lastError.at } : null,
  });
});
