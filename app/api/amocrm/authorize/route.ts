// GET /api/amocrm/authorize: creates a single-use state and sends the admin's browser to amoCRM's consent page. A
// navigation another site started is not followed: the admin gets /connect with a button to start it themselves.
import { AUTHORIZE_CONFIRM_PATH, buildConsentUrl, startedByAnotherSite } from "@/lib/amocrm/authorize";
import { getAdmin } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { toAppError } from "@/lib/errors";
import { seeOther } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const { appUrl } = getEnv();
  // Checked before the session: a link elsewhere must not start a flow right after the admin signs in either.
  if (startedByAnotherSite(request.headers.get("sec-fetch-site"))) return seeOther(`${appUrl}${AUTHORIZE_CONFIRM_PATH}`);
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
