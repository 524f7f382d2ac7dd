import "server-only";
import { getConnection } from "@/lib/db/connection";
import { addEvent } from "@/lib/db/events";
import { createOauthState } from "@/lib/db/oauth-states";
import type { Admin } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { PLATFORM_INFO } from "./platform";

/** Where a navigation another site started is sent instead: /connect, asking the admin to press Authorize. */
export const AUTHORIZE_CONFIRM_PATH = "/connect?authorize=confirm";

/**
 * True when the browser says another site started this navigation (a link, a form or a redirect there): the
 * admin did not press Authorize here. `none` (typed, a bookmark) and `same-origin` (the app's own buttons) pass; an
 * absent header (an old browser, a script) is not a cross-site browser navigation either.
 */
export function startedByAnotherSite(secFetchSite: string | null): boolean {
  return secFetchSite === "cross-site" || secFetchSite === "same-site";
}

/**
 * The consent page URL for the saved integration (docs/amocrm-contract.md §1.1): `client_id`, a fresh single-use `state` bound to
 * the admin, and `mode=post_message`, which makes amoCRM redirect the same top-level window back to us.
 */
export async function buildConsentUrl({ admin, now = new Date() }: { admin: Admin; now?: Date }): Promise<URL> {
  const connection = await getConnection();
  if (!connection?.clientId || !connection.clientSecretEnc) throw new AppError("not_configured");
  const env = getEnv();
  const url = new URL(env.amocrmOauthUrl ?? PLATFORM_INFO[connection.platform].consentUrl);
  url.searchParams.set("client_id", connection.clientId);
  url.searchParams.set("state", await createOauthState({ adminId: admin.id, now }));
  url.searchParams.set("mode", "post_message");
  await addEvent({ type: "authorize_started", actor: "admin", actorEmail: admin.email, at: now });
  return url;
}
