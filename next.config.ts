import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3"],
  // proxy.ts handles trailing slashes itself, so the OAuth callback's code is never echoed in a redirect.
  skipTrailingSlashRedirect: true,
  experimental: {
    // Because proxy.ts runs before the pages (and their server actions), Next buffers each of their request bodies
    // in memory (10 MB by default, before any check of who sent it). The admin's forms are a few KiB; the API routes,
    // the leads API (up to 64 KiB a lead) among them, do not pass through the proxy and read their bodies themselves.
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
