/**
 * Whether amoCRM can come back to APP_URL (docs/amocrm-contract.md §7.1, §9.9): its servers call the disconnect hook
 * on `${APP_URL}` and the Redirect URI is built from it, so a loopback or private host is out of amoCRM's reach and
 * plain http risks being refused. Pure: the start-up line (lib/startup.ts) and /connect both ask it.
 */

export type AppUrlReason = "loopback" | "private" | "not_https";

export interface AppUrlProblem {
  reason: AppUrlReason;
  host: string;
}

// URL has already normalized the host: IPv4 as four decimal parts, IPv6 (brackets removed below) with colons.
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const isIPv6 = (host: string) => host.includes(":");

// Names that never resolve from the internet: mDNS, and the suffixes reserved or customary for internal networks.
const INTERNAL_SUFFIXES = [".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp"];

/** The first reason amoCRM may not come back to `appUrl`, or null when it is a public https origin. */
export function checkAppUrl(appUrl: string): AppUrlProblem | null {
  let url: URL;
  try {
    url = new URL(appUrl);
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (isLoopback(host)) return { reason: "loopback", host };
  if (isPrivate(host)) return { reason: "private", host };
  if (url.protocol !== "https:") return { reason: "not_https", host };
  return null;
}

function isLoopback(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost") || host === "::1") return true;
  return IPV4.test(host) && host.startsWith("127.");
}

function isPrivate(host: string): boolean {
  if (IPV4.test(host)) {
    const [a = 0, b = 0] = host.split(".").map(Number);
    return (
      a === 0 ||
      a === 10 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (isIPv6(host)) return /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host === "::";
  // A bare name with no dot resolves only on the local network.
  return !host.includes(".") || INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix));
}
