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
