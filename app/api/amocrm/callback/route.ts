// GET /api/amocrm/callback: amoCRM sends the admin's browser here after Allow or Deny; 303 to /status either way.
import { cookies } from "next/headers";
import { completeAuthorization, parseCallbackQuery } from "@/lib/amocrm/callback";
import {
  BROWSER_COOKIE,
  openPendingCallback,
  PENDING_COOKIE,
  pendingCookieHeaders,
  RESUME_PATH,
  sealPendingCallback,
} from "@/lib/amocrm/pending-callback";
import { getAdmin } from "@/lib/auth/session";
import { addEvent } from "@/lib/db/events";
import { consumeOauthState } from "@/lib/db/oauth-states";
import { getEnv } from "@/lib/env";
import { seeOther } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  // Redirects go to APP_URL, never to the Host the request claims (the customer's "sent to localhost" bug).
  const { appUrl } = getEnv();
  const url = new URL(request.url);
  const resuming = url.searchParams.get("resume") === "1" && url.searchParams.size === 1;
  const jar = await cookies();
  const params = resuming ? openPendingCallback({ value: jar.get(PENDING_COOKIE)?.value, browser: jar.get(BROWSER_COOKIE)?.value }) : url.searchParams;
  const clearPending = resuming ? pendingCookieHeaders(null) : undefined;
  const query = params ? parseCallbackQuery(params) : null;
  if (!query) return seeOther(`${appUrl}/status?error=${resuming ? "state_expired" : "invalid_callback"}`, clearPending);

  const admin = await getAdmin();
  if (query.error) {
    // Deny in amoCRM: nothing to exchange, and the existing connection stays as it is. Only a deny that carries
    // this admin's own state is recorded, so a forged link cannot write to the event log.
    if (admin && query.state && (await consumeOauthState({ state: query.state, adminId: admin.id })).ok) {
      await addEvent({ type: "authorization_denied", actor: "amocrm", details: { error: query.error === "access_denied" ? "access_denied" : "other" } });
    }
    return seeOther(`${appUrl}/status?error=access_denied`, clearPending);
  }

  if (!admin) {
    // The session ran out during consent: park the callback, sign in, then resume it here.
    const login = `${appUrl}/login?callbackUrl=${encodeURIComponent(RESUME_PATH)}`;
    return seeOther(login, pendingCookieHeaders(sealPendingCallback(params?.toString() ?? "")));
  }

  const outcome = await completeAuthorization({ query, admin });
  return seeOther(outcome.ok ? `${appUrl}/status?connected=1` : `${appUrl}/status?error=${outcome.code}`, clearPending);
}
