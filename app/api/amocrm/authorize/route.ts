// GET /api/amocrm/authorize: creates a single-use state and sends the admin's browser to amoCRM's consent page.
import { buildConsentUrl } from "@/lib/amocrm/authorize";
import { getAdmin } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { toAppError } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const redirect = (location: string | URL) =>
  new Response(null, { status: 303, headers: { Location: String(location), "Cache-Control": "no-store" } });

export async function GET() {
  const { appUrl } = getEnv();
  const admin = await getAdmin();
  if (!admin) return redirect(`${appUrl}/login?callbackUrl=${encodeURIComponent("/api/amocrm/authorize")}`);
  try {
    return redirect(buildConsentUrl({ admin }));
  } catch (error) {
    const appError = toAppError(error);
    if (!appError) throw error;
    return redirect(`${appUrl}/connect?error=${appError.code}`);
  }
}
