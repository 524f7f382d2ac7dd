// The client address the sign-in throttle counts (lib/http/client-address.ts): the socket's address, or the N-th
// `X-Forwarded-For` entry from the right behind N trusted proxies; never what the client wrote into the header.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress, installPeerAddressHeader, PEER_ADDRESS_HEADER } from "@/lib/http/client-address";
import { parseEnv, EnvError } from "@/lib/env";

const headers = (values: Record<string, string>) => new Headers(values);

describe("clientAddress", () => {
  it("takes the socket address with no trusted proxy, whatever X-Forwarded-For and X-Real-IP say", () => {
    const forged = headers({ [PEER_ADDRESS_HEADER]: "198.51.100.9", "x-forwarded-for": "1.2.3.4", "x-real-ip": "5.6.7.8" });
    expect(clientAddress(forged, 0)).toBe("198.51.100.9");
    expect(clientAddress(headers({ "x-forwarded-for": "1.2.3.4" }), 0)).toBe("unknown");
  });

  it("behind one appending proxy takes the entry it appended, not the ones the client sent", () => {
    // nginx's $proxy_add_x_forwarded_for: whatever the client sent, then the address nginx saw.
    const request = headers({ [PEER_ADDRESS_HEADER]: "127.0.0.1", "x-forwarded-for": "10.0.0.1, 1.2.3.4, 203.0.113.5" });
    expect(clientAddress(request, 1)).toBe("203.0.113.5");
    expect(clientAddress(request, 2)).toBe("1.2.3.4");
  });

  it("with fewer entries than proxies takes the farthest entry, or the socket when there is none", () => {
    expect(clientAddress(headers({ [PEER_ADDRESS_HEADER]: "127.0.0.1", "x-forwarded-for": "203.0.113.5" }), 2)).toBe("203.0.113.5");
    expect(clientAddress(headers({ [PEER_ADDRESS_HEADER]: "127.0.0.1" }), 1)).toBe("127.0.0.1");
  });

  it("treats an IPv4-mapped IPv6 address as the IPv4 address, and refuses absurd values", () => {
    expect(clientAddress(headers({ [PEER_ADDRESS_HEADER]: "::ffff:203.0.113.5" }), 0)).toBe("203.0.113.5");
    expect(clientAddress(headers({ [PEER_ADDRESS_HEADER]: "x".repeat(200) }), 0)).toBe("unknown");
  });
});

describe("installPeerAddressHeader", () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    installPeerAddressHeader();
    installPeerAddressHeader();
    server = http.createServer((request, response) => {
      const seen = new Headers(request.headers as Record<string, string>);
      response.end(JSON.stringify({ hops0: clientAddress(seen, 0), hops1: clientAddress(seen, 1) }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("stamps the socket address over any copy the client sent", async () => {
    const response = await fetch(url, { headers: { [PEER_ADDRESS_HEADER]: "1.2.3.4", "x-forwarded-for": "5.6.7.8" } });
    expect(await response.json()).toEqual({ hops0: "127.0.0.1", hops1: "5.6.7.8" });
  });
});

describe("TRUSTED_PROXY_HOPS", () => {
  const base = { NODE_ENV: "test", ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"), AUTH_SECRET: "s".repeat(44) };

  it("defaults to 0 and takes a small whole number", () => {
    expect(parseEnv(base).trustedProxyHops).toBe(0);
    expect(parseEnv({ ...base, TRUSTED_PROXY_HOPS: "" }).trustedProxyHops).toBe(0);
    expect(parseEnv({ ...base, TRUSTED_PROXY_HOPS: "2" }).trustedProxyHops).toBe(2);
  });

  it.each(["-1", "1.5", "eleven", "11"])("refuses %s with a line that names the variable", (value) => {
    expect(() => parseEnv({ ...base, TRUSTED_PROXY_HOPS: value })).toThrow(EnvError);
    try {
      parseEnv({ ...base, TRUSTED_PROXY_HOPS: value });
    } catch (error) {
      expect((error as EnvError).problems).toEqual([expect.stringMatching(/^TRUSTED_PROXY_HOPS: must be a whole number from 0 to 10/)]);
    }
  });
});
