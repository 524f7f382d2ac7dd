/**
 * amoCRM and Kommo hosts (docs/amocrm-contract.md §0) and the validation of account addresses and callback `referer`s.
 * Pure: safe for the browser and for property tests.
 */
import type { Platform } from "@/lib/db/schema";

export interface PlatformInfo {
  consentUrl: string;
  /** Account host suffixes that belong to the platform; amocrm.com is Kommo's legacy domain. */
  suffixes: readonly string[];
  exampleHost: string;
}

export const PLATFORM_INFO: Record<Platform, PlatformInfo> = {
  "amocrm.ru": { consentUrl: "https://www.amocrm.ru/oauth", suffixes: ["amocrm.ru"], exampleHost: "yourcompany.amocrm.ru" },
  "kommo.com": {
    consentUrl: "https://www.kommo.com/oauth",
    suffixes: ["kommo.com", "amocrm.com"],
    exampleHost: "yourcompany.kommo.com",
  },
};

export function isPlatform(value: unknown): value is Platform {
  return value === "amocrm.ru" || value === "kommo.com";
}

// One DNS label: letters, digits and inner hyphens, at most 63 characters. `www` is the marketing site, not an account.
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type AccountHost = { host: string; subdomain: string; platform: Platform };

/**
 * `sub.amocrm.ru` → its parts, when it is exactly one label under a known suffix; otherwise null. A legacy
 * `sub.amocrm.com` is the Kommo account `sub.kommo.com`: amocrm.com accounts moved there and their API host is
 * deprecated (docs/amocrm-contract.md §0), so `host` is always the platform's current host.
 */
export function parseAccountHost(host: string): AccountHost | null {
  for (const platform of Object.keys(PLATFORM_INFO) as Platform[]) {
    const [current] = PLATFORM_INFO[platform].suffixes;
    for (const suffix of PLATFORM_INFO[platform].suffixes) {
      if (!host.endsWith(`.${suffix}`)) continue;
      const subdomain = host.slice(0, -(suffix.length + 1));
      if (LABEL.test(subdomain) && subdomain !== "www") return { host: `${subdomain}.${current}`, subdomain, platform };
    }
  }
  return null;
}

/**
 * The callback's `referer`: a bare host, no scheme, port, path or credentials. Strict on purpose: it becomes the host
 * of the token request (docs/amocrm-contract.md §2.1, SSRF).
 */
export function validateReferer(referer: string): AccountHost | null {
  const host = referer.toLowerCase();
  if (host.length > 253 || !/^[a-z0-9.-]+$/.test(host)) return null;
  return parseAccountHost(host);
}

export type AddressResult =
  | { ok: true; host: string; subdomain: string }
  | { ok: false; reason: "empty" | "invalid" | "other_platform" };

/**
 * What an admin may type as the account address: `acoustic`, `acoustic.amocrm.ru`, `https://acoustic.amocrm.ru/leads/1`,
 * with stray spaces, upper case, a trailing dot or a doubled scheme. Normalized to the account host of `platform`.
 */
export function normalizeAccountAddress(input: string, platform: Platform): AddressResult {
  let value = input.normalize("NFKC").trim().toLowerCase();
  if (value === "") return { ok: false, reason: "empty" };
  if (value.length > 512) return { ok: false, reason: "invalid" };
  // Strip any number of schemes ("https://https://x") and everything after the host.
  while (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) value = value.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
  value = value.replace(/^\/\//, "");
  if (value.includes("@")) return { ok: false, reason: "invalid" };
  value = value.split(/[/?#\\]/, 1)[0] ?? "";
  value = value.replace(/:\d*$/, "").replace(/\.+$/, "");
  if (value === "" || !/^[a-z0-9.-]+$/.test(value)) return { ok: false, reason: "invalid" };

  if (!value.includes(".")) {
    if (!LABEL.test(value) || value === "www") return { ok: false, reason: "invalid" };
    const suffix = PLATFORM_INFO[platform].suffixes[0];
    return { ok: true, host: `${value}.${suffix}`, subdomain: value };
  }
  const parsed = parseAccountHost(value);
  if (!parsed) return { ok: false, reason: "invalid" };
  if (parsed.platform !== platform) return { ok: false, reason: "other_platform" };
  return { ok: true, host: parsed.host, subdomain: parsed.subdomain };
}

export const CLIENT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const CLIENT_SECRET_USUAL_PATTERN = /^[A-Za-z0-9]{64}$/;
