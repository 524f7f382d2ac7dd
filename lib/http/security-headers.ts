/**
 * The Content-Security-Policy of every page: scripts only with this request's nonce (and what they load,
 * 'strict-dynamic'), no plugins, no <base>, no framing, forms only to this site and amoCRM's consent page.
 * Pure, so the proxy and the tests build the same policy.
 */
export function buildContentSecurityPolicy({
  nonce,
  formTargets,
  development,
}: {
  nonce: string;
  formTargets: readonly string[];
  development: boolean;
}): string {
  const directives = [
    "default-src 'self'",
    // Development's React uses eval for its error overlay and source maps; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // Style attributes (React's style={...}) cannot carry a nonce; scripts, the real risk, are locked down above.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    `form-action 'self' ${formTargets.join(" ")}`.trim(),
  ];
  return directives.join("; ");
}

/** Origins of the consent pages an admin is sent to (the platforms', or the configured override). */
export function consentOrigins(oauthUrlOverride: string | undefined): string[] {
  if (oauthUrlOverride) return [new URL(oauthUrlOverride).origin];
  return ["https://www.amocrm.ru", "https://www.kommo.com"];
}

/**
 * The headers the proxy adds to every page and API answer (Referrer-Policy, nosniff and X-Frame-Options come from
 * next.config.ts for every response, static files included). HSTS only when the public origin is https: sent over
 * http it would be ignored, and on localhost it would pin the browser to https.
 */
export function securityHeaders({
  nonce,
  appUrl,
  oauthUrlOverride,
  development,
}: {
  nonce: string;
  appUrl: string;
  oauthUrlOverride: string | undefined;
  development: boolean;
}): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": buildContentSecurityPolicy({ nonce, formTargets: consentOrigins(oauthUrlOverride), development }),
    "Cache-Control": "no-store, max-age=0",
  };
  if (appUrl.startsWith("https://")) headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains";
  return headers;
}
