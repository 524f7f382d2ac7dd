import "server-only";
import http from "node:http";

/**
 * The client's address, for the sign-in throttle. Next.js gives route handlers and server actions no socket address
 * (self-hosted, `request.ip` is gone, and proxy.ts does not get one either), and the `X-Forwarded-For` it passes on
 * is the client's own header whenever the client sent one: Next sets it from the socket only when it is missing.
 * So the server records the socket's address itself, in a header of its own that replaces any copy the client sent,
 * before Next reads the request (installPeerAddressHeader, called once at start from instrumentation.ts).
 *
 * With TRUSTED_PROXY_HOPS=0 (the default) that socket address is the client. Behind N reverse proxies that each
 * append the address they received from to `X-Forwarded-For` (nginx's `$proxy_add_x_forwarded_for`, cloud load
 * balancers), the client is the N-th entry from the right: everything to its left was sent by the client itself.
 */
export const PEER_ADDRESS_HEADER = "x-amocrm-connect-peer";

const installed = Symbol.for("amocrm-connect.peer-address-header");

type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;

/** Makes every HTTP server of this process stamp each request with its socket's address. Idempotent. */
export function installPeerAddressHeader(): void {
  const prototype = http.Server.prototype as unknown as Record<symbol, boolean> & { emit: Emit };
  if (prototype[installed]) return;
  const emit = prototype.emit;
  prototype.emit = function (event, ...args) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      request.headers[PEER_ADDRESS_HEADER] = request.socket?.remoteAddress ?? "";
    }
    return emit.call(this, event, ...args);
  };
  prototype[installed] = true;
}

/** Pure: the client address from a request's headers; "unknown" when there is none to trust. */
export function clientAddress(headers: Pick<Headers, "get">, trustedProxyHops: number): string {
  if (trustedProxyHops <= 0) return normalize(headers.get(PEER_ADDRESS_HEADER)) ?? "unknown";
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  // Fewer entries than proxies: the request did not pass through all of them. Take the farthest one there is, or
  // the socket when there is none.
  const entry = forwarded.length > 0 ? forwarded[Math.max(0, forwarded.length - trustedProxyHops)] : headers.get(PEER_ADDRESS_HEADER);
  return normalize(entry) ?? "unknown";
}

/** `::ffff:203.0.113.7` and `203.0.113.7` are one client; a value that long is not an address. */
function normalize(value: string | null | undefined): string | null {
  const trimmed = value?.trim().toLowerCase();
  if (!trimmed || trimmed.length > 64) return null;
  return trimmed.startsWith("::ffff:") && trimmed.includes(".") ? trimmed.slice("::ffff:".length) : trimmed;
}
