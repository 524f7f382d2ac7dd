import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import type { NextAuthRequest } from "next-auth";
import { auth } from "@/auth";
import { getEnv } from "@/lib/env";
import { securityHeaders } from "@/lib/http/security-headers";

/**
 * Runs before every page and the OAuth callback: a fresh CSP nonce, security headers, no caching of anything private,
 * and an early redirect to sign-in for admin pages. Layouts and handlers still check the session themselves, so
 * only admin pages pay for reading it here.
 */

const ADMIN_PAGES = ["/guide", "/connect", "/status", "/leads", "/settings"];
const CALLBACK_PATH = "/api/amocrm/callback";

function isAdminPage(pathname: string): boolean {
  return ADMIN_PAGES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

function withSecurityHeaders(request: NextRequest): NextResponse {
  const env = getEnv();
  const headers = securityHeaders({
    nonce: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"),
    appUrl: env.appUrl,
    oauthUrlOverride: env.amocrmOauthUrl,
    development: env.isDevelopment,
  });
  // Next reads the nonce for its own scripts from the request's CSP header.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"] ?? "");
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

type Middleware = (request: NextRequest, event: NextFetchEvent) => Promise<Response>;

// With a lazily configured NextAuth (auth.ts reads the env on first use), auth(handler) resolves to the wrapped
// handler asynchronously; its overloads also type it as a route handler, hence the cast.
const adminPageGuard = auth((request: NextAuthRequest) => {
  if (request.auth?.user) return withSecurityHeaders(request);
  const { pathname, search } = request.nextUrl;
  const login = new URL("/login", getEnv().appUrl);
  login.searchParams.set("callbackUrl", `${pathname}${search}`);
  return NextResponse.redirect(login, 307);
}) as unknown as Promise<Middleware>;

// Next finds the proxy by its exported function declaration.
export async function proxy(request: NextRequest, event: NextFetchEvent): Promise<Response> {
  const { pathname, search } = request.nextUrl;
  // Next's own trailing-slash redirect would echo the URL, and the callback's carries the code. A callback on
  // `/callback/` means the Redirect URI registered in amoCRM ends with a slash: amoCRM would refuse the exchange
  // (it must match byte for byte), so say so without spending or repeating the code.
  if (pathname.length > 1 && pathname.endsWith("/")) {
    const appUrl = getEnv().appUrl;
    if (pathname.replace(/\/+$/, "") === CALLBACK_PATH) {
      return NextResponse.redirect(new URL("/status?error=redirect_uri_mismatch", appUrl), 303);
    }
    return NextResponse.redirect(new URL(`${pathname.replace(/\/+$/, "")}${search}`, appUrl), 308);
  }
  if (isAdminPage(pathname)) return (await adminPageGuard)(request, event);
  return withSecurityHeaders(request);
}

export const config = {
  // Pages, and the OAuth callback (for its trailing-slash answer above). Not Next's immutable static files, and not
  // the other API routes: they answer JSON or a redirect, never a page, so a CSP nonce means nothing there; each sets
  // no-store itself (lib/http/route.ts, lib/leads/http.ts) and next.config.ts gives every response nosniff and
  // friends. Running the proxy cost each API request about as much as the request's own work (Next builds a
  // request for it and copies a POST's body), and /api/health, /api/amocrm/status and the site's leads API
  // (/api/v1) are the requests that come in numbers.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/).*)", "/api/amocrm/callback/:path*"],
};
