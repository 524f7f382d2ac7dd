// GET /api/amocrm/authorize: creates a single-use state and sends the admin's browser to amoCRM's consent page.
import { buildConsentUrl } from "@/lib/amocrm/authorize";
import { getAdmin } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { toAppError } from "@/lib/errors";
import { seeOther } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export async function GET() {
  const { appUrl } = getEnv();
  const admin = await getAdmin();
  if (!admin) return seeOther(`${appUrl}/login?callbackUrl=${encodeURIComponent("/api/amocrm/authorize")}`);
  try {
    return seeOther(await buildConsentUrl({ admin }));
  } catch (error) {
    const appError = toAppError(error);
    if (!appError) throw error;
    return seeOther(`${appUrl}/connect?error=${appError.code}`);
  }
}
