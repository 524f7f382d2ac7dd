// Host-based rules. Every amoCRM host collapses onto the fake's single origin, so the app
// names the host it *would* have called in `X-Amocrm-Account-Host`; without that header
// the request is assumed to have reached the correct account host.
import type { IncomingMessage } from "node:http";
import type { FakeConfig, Platform } from "./config";

export const ACCOUNT_HOST_HEADER = "x-amocrm-account-host";

export type HostKind =
  /** The account's current host (or a shard host, which amoCRM also accepts). */
  | "account"
  /** `www.amocrm.ru` / `www.kommo.com`: consent page and legacy lookups, never the token endpoint. */
  | "www"
  /** `api-b.amocrm.ru` style: the JWT `api_domain`, used for the current-subdomain lookup. */
  | "api"
  /** A subdomain the account had before a rename. */
  | "former"
  /** Some other subdomain on the right platform (another account's host). */
  | "other"
  /** Not an amoCRM/Kommo host at all, or the other platform's account host. */
  | "foreign";

const KNOWN_BASES = ["amocrm.ru", "kommo.com", "amocrm.com"] as const;

/** The platform a host belongs to; former amocrm.com accounts are Kommo's (docs/amocrm-contract.md §0). */
export function hostPlatform(host: string): Platform | undefined {
  if (host === "amocrm.ru" || host.endsWith(".amocrm.ru")) return "amocrm.ru";
  if (/(^|\.)(kommo\.com|amocrm\.com)$/.test(host)) return "kommo.com";
  return undefined;
}

export function normalizeHost(raw: string): string {
  let host = raw.trim().toLowerCase();
  host = host.replace(/:\d+$/, "").replace(/\.$/, "");
  return host;
}

/** The X-Amocrm-Account-Host value, or undefined when the app did not send one. */
export function accountHostHeader(req: IncomingMessage): string | undefined {
  const value = req.headers[ACCOUNT_HOST_HEADER];
  const first = Array.isArray(value) ? value[0] : value;
  return first ? normalizeHost(first) : undefined;
}

export function classifyHost(
  host: string | undefined,
  config: Pick<FakeConfig, "subdomain" | "platform">,
  formerSubdomains: ReadonlySet<string>,
): HostKind {
  if (host === undefined) return "account";
  const base = KNOWN_BASES.find((b) => host.endsWith(`.${b}`));
  if (!base) return "foreign";
  const label = host.slice(0, -(base.length + 1));
  if (label === "www") return "www";
  // amoCRM and Kommo are separate installations: the other platform's hosts know nothing of us.
  if (base !== config.platform || label.includes(".")) return "foreign";
  if (label === config.subdomain || /^shard\d+$/.test(label)) return "account";
  if (/^api-[a-z]$/.test(label)) return "api";
  if (formerSubdomains.has(label)) return "former";
  return "other";
}

/** Endpoints whose host `strictHosts` checks; the token endpoint has host rules of its own (token-endpoint.ts). */
export type HostBoundEndpoint = "consent" | "api" | "subdomainByAccess" | "subdomainByRefresh";

/**
 * The one kind of host that serves each endpoint on real amoCRM: the consent page on www (docs/amocrm-contract.md §0, §1.1); every
 * /api/v4 call on the account's host, "never www" (§0, CONFIRMED); the Bearer lookup on www and the X-Refresh-Token
 * lookup on the api_domain (§5.1, the hosts the official library calls). That the api_domain serves nothing else,
 * and that the consent page is missing on account hosts, is UNCONFIRMED: the fake then answers a 404 problem+json.
 */
export const SERVED_ON: Readonly<Record<HostBoundEndpoint, HostKind>> = {
  consent: "www",
  api: "account",
  subdomainByAccess: "www",
  subdomainByRefresh: "api",
};
