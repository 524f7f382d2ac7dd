import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import type { NextAuthRequest } from "next-auth";
import { auth } from "@/auth";
import { getEnv } from "@/lib/env";
import { buildContentSecurityPolicy, consentOrigins } from "@/lib/http/security-headers";

/**
 * Runs before every page and API request: a fresh CSP nonce, security headers, no caching of anything private,
 * and an early redirect to sign-in for admin pages. Layouts and handlers still check the session themselves.
 */

const ADMIN_PAGES = ["/guide", "/connect", "/status"];

function isAdminPage(pathname: string): boolean {
  return ADMIN_PAGES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

type Middleware = (request: NextRequest, event: NextFetchEvent) => Promise<Response>;

// With a lazily configured NextAuth (auth.ts reads the env on first use), auth(handler) resolves to the wrapped
// handler asynchronously; its overloads also type it as a route handler, hence the cast.
const withSession = auth((request: NextAuthRequest) => {
  const env = getEnv();
  const { pathname, search } = request.nextUrl;

  if (isAdminPage(pathname) && !request.auth?.user) {
    const login = new URL("/login", env.appUrl);
    login.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(login, 307);
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = buildContentSecurityPolicy({
    nonce,
    formTargets: consentOrigins(env.amocrmOauthUrl),
    development: !env.isProduction,
  });
  // Next reads the nonce for its own scripts from the request's CSP header.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });

  response.headers.set("Content-Security-Policy", csp);
  if (env.appUrl.startsWith("https://")) {
    response.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  }
  if (!pathname.startsWith("/_next/")) {
    response.headers.set("Cache-Control", "no-store, max-age=0");
  }
  return response;
}) as unknown as Promise<Middleware>;

// Next finds the proxy by its exported function declaration.
export async function proxy(request: NextRequest, event: NextFetchEvent): Promise<Response> {
  return (await withSession)(request, event);
}

export const config = {
  // Everything but Next's immutable static files.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
