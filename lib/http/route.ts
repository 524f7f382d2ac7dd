import "server-only";
import { getAdmin } from "@/lib/auth/session";
import type { Admin } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { AppError, toAppError } from "@/lib/errors";
import type { ErrorCode } from "@/lib/error-codes";
import { describeError } from "@/lib/i18n/errors";

/** Shared shape of the JSON routes: `{ ok: false, error: { code, message } }`, never a stack trace, never cached. */

const NO_STORE = { "Cache-Control": "no-store" };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/** 303 See Other, never cached, optionally setting one cookie: the browser-facing OAuth routes answer with it. */
export function seeOther(location: string | URL, setCookie?: string | string[]): Response {
  const headers = new Headers({ Location: String(location), "Cache-Control": "no-store" });
  for (const cookie of typeof setCookie === "string" ? [setCookie] : (setCookie ?? [])) headers.append("Set-Cookie", cookie);
  return new Response(null, { status: 303, headers });
}

export async function jsonError(error: unknown): Promise<Response> {
  const appError = toAppError(error);
  if (!appError) console.error(`[api] unexpected error: ${error instanceof Error ? error.name : typeof error}`);
  const code: ErrorCode = appError?.code ?? "provider_error";
  const status = appError ? appError.status : 500;
  const headers: Record<string, string> = {};
  if (appError?.retryAfterSeconds) headers["Retry-After"] = String(appError.retryAfterSeconds);
  const message = await describeError(code, { ...appError?.detail, retryAfterSeconds: appError?.retryAfterSeconds ?? 0 });
  return json({ ok: false, error: { code, message } }, status, headers);
}

/** True when the request's Origin is exactly the app's own (APP_URL); admin POSTs must pass it. */
export function hasAppOrigin(request: Request): boolean {
  return request.headers.get("origin") === getEnv().appOrigin;
}

type AdminHandler = (context: { admin: Admin; request: Request }) => Promise<Response>;

/**
 * An admin-only route: 401 without a session, 403 when a POST comes from another origin, AppErrors as JSON.
 * The session check happens here, in the handler, whatever the proxy did.
 */
export function withAdminRoute(handler: AdminHandler): (request: Request) => Promise<Response> {
  return async (request) => {
    try {
      const admin = await getAdmin();
      if (!admin) throw new AppError("unauthorized");
      if (request.method !== "GET" && request.method !== "HEAD" && !hasAppOrigin(request)) {
        console.warn(`[api] ${new URL(request.url).pathname} refused: Origin does not match APP_URL`);
        throw new AppError("origin_mismatch");
      }
      return await handler({ admin, request });
    } catch (error) {
      return jsonError(error);
    }
  };
}
