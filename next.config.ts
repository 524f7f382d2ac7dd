import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3"],
  // proxy.ts handles trailing slashes itself, so the OAuth callback's code is never echoed in a redirect.
  skipTrailingSlashRedirect: true,
  experimental: {
    // Because proxy.ts runs before every route, Next buffers each request body in memory (10 MB by default, before
    // any check of who sent it). The largest legitimate body is a lead (64 KiB, lib/leads/intake.ts MAX_BODY_BYTES);
    // the admin's forms are a few KiB. Twice that leaves room for the intake to still see more than 64 KiB of an
    // oversized chunked body (Next drops the whole chunk that crosses this limit) and answer 413.
    proxyClientMaxBodySize: 128 * 1024,
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          // same-origin, not no-referrer: the callback URL (which carries the code) never leaves the site, while
          // Chromium still sends a real Origin on the app's own form posts (see ../shared/interfaces.md).
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default withNextIntl(nextConfig);
