import { describe, expect, it } from "vitest";
import { buildContentSecurityPolicy, consentOrigins, securityHeaders } from "@/lib/http/security-headers";

describe("securityHeaders", () => {
  const base = { nonce: "bm9uY2U=", oauthUrlOverride: undefined, development: false };

  it("adds HSTS only for an https public origin", () => {
    expect(securityHeaders({ ...base, appUrl: "https://admin.example.com" })["Strict-Transport-Security"]).toBe(
      "max-age=63072000; includeSubDomains",
    );
    expect(securityHeaders({ ...base, appUrl: "http://localhost:3001" })["Strict-Transport-Security"]).toBeUndefined();
  });

  it("never lets a page or API answer be cached", () => {
    expect(securityHeaders({ ...base, appUrl: "https://admin.example.com" })["Cache-Control"]).toContain("no-store");
  });

  it("locks scripts to the request's nonce and forms to this site and the consent page", () => {
    const csp = securityHeaders({ ...base, appUrl: "https://admin.example.com" })["Content-Security-Policy"];
    expect(csp).toContain("script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(csp).toContain("form-action 'self' https://www.amocrm.ru https://www.kommo.com");
    expect(csp).not.toContain("unsafe-eval");
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
  });

  it("allows eval only in development, and the configured consent origin only when overridden", () => {
    expect(buildContentSecurityPolicy({ nonce: "n", formTargets: [], development: true })).toContain("'unsafe-eval'");
    expect(consentOrigins("http://127.0.0.1:4010/oauth")).toEqual(["http://127.0.0.1:4010"]);
  });
});
