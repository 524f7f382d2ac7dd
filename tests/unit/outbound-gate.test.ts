import fs from "node:fs";
import http, { type IncomingMessage, type RequestOptions } from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv();
const { amoHttp, resolveOutboundUrl, waitForCapacity } = await import("@/lib/amocrm/http");

const ROOT = path.resolve(__dirname, "../..");
const GATE = "lib/amocrm/http.ts";
/** Modules that only write example code for the site's developers as text; they import nothing, so cannot connect. */
const TEXT_ONLY = ["lib/leads/developer-examples.ts"];
/** Modules that use node:http only on the receiving side (stamping incoming requests); they must make no request. */
const INBOUND_ONLY = ["lib/http/client-address.ts"];
/**
 * The alert channels reach the admin's own webhook and the Telegram Bot API, never amoCRM: the second gate, with its
 * own rules (no redirect followed; a webhook's every address checked against private ranges at send time).
 */
const ALERT_GATES = ["lib/alerts/channels/webhook.ts", "lib/alerts/channels/telegram.ts"];
/** Parses addresses with node:net's isIP only; opens nothing. */
const ADDRESS_ONLY = ["lib/alerts/channels/address-policy.ts"];

function serverSources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return serverSources(relative);
    return /\.(ts|tsx)$/.test(entry.name) ? [relative] : [];
  });
}

describe("one outbound gate", () => {
  it("no server module but the gate opens a network connection", () => {
    const files = [...serverSources("lib"), ...serverSources("app"), ...serverSources("components"), "auth.ts", "proxy.ts", "instrumentation.ts"];
    const offenders = files.filter((file) => {
      if (file === GATE || ALERT_GATES.includes(file)) return false;
      const source = fs.readFileSync(path.join(ROOT, file), "utf8");
      // Its imports would come before its first export; there must be none (the examples' own imports are text).
      if (TEXT_ONLY.includes(file)) return /^\s*import\s|\brequire\(/m.test(source.slice(0, source.indexOf("\nexport ")));
      if (ADDRESS_ONLY.includes(file)) return /\bfetch\s*\(|\b(createConnection|connect|request)\s*\(|from\s+["'](node:)?(http|https|tls|undici)["']/.test(source);
      if (INBOUND_ONLY.includes(file)) return /\bhttps?\.(request|get)\s*\(|\b(createConnection|connect)\s*\(|\bfetch\s*\(/.test(source);
      // Browser components call the dashboard's own API with fetch; they run in the admin's browser, not here.
      if (/^\s*["']use client["']/.test(source)) return false;
      return /\bfetch\s*\(|from\s+["'](node:)?(http|https|net|tls|undici)["']|require\(["'](node:)?(http|https|net|tls)["']\)/.test(source);
    });
    expect(files.length).toBeGreaterThan(40);
    expect(offenders).toEqual([]);
    // The gate sends with node:http(s), which follows no redirect; fetch would follow one unless told not to.
    expect(fs.readFileSync(path.join(ROOT, GATE), "utf8")).not.toMatch(/\bfetch\s*\(/);
    // Neither alert gate knows amoCRM's tokens: they import nothing from lib/amocrm.
    for (const gate of ALERT_GATES) expect(fs.readFileSync(path.join(ROOT, gate), "utf8")).not.toMatch(/from\s+["']@\/lib\/amocrm/);
  });

  it("allows only one label under amoCRM's and Kommo's domains, over https", () => {
    expect(resolveOutboundUrl("acoustic.amocrm.ru", "/oauth2/access_token").href).toBe("https://acoustic.amocrm.ru/oauth2/access_token");
    expect(resolveOutboundUrl("acoustic.kommo.com", "/api/v4/account").href).toBe("https://acoustic.kommo.com/api/v4/account");
    expect(resolveOutboundUrl("api-b.amocrm.ru", "/oauth2/account/current/subdomain").origin).toBe("https://api-b.amocrm.ru");
  });

  it("refuses and logs everything else before a socket is opened", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const opened = [vi.spyOn(http, "request"), vi.spyOn(https, "request"), vi.spyOn(globalThis, "fetch")];
    for (const [host, pathname] of [
      ["evil.example", "/x"],
      ["x.amocrm.ru.evil.example", "/x"],
      ["x.amocrm.ru@evil.example", "/x"],
      ["www.amocrm.ru", "/oauth2/access_token"],
      ["127.0.0.1", "/x"],
      ["acoustic.amocrm.ru", "//evil.example/x"],
      ["acoustic.amocrm.ru", "http://evil.example/"],
    ] as const) {
      await expect(amoHttp({ host, path: pathname })).rejects.toMatchObject({ code: "referer_invalid" });
    }
    for (const spy of opened) expect(spy).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("outbound request refused"));
    warn.mockRestore();
    for (const spy of opened) spy.mockRestore();
  });
});

/**
 * Answers the gate's https requests to amoCRM from a server on loopback: each request is stamped when it is created
 * and sent over plain HTTP, through a kept-alive agent as the gate's own.
 */
async function answerOnLoopback(handler: http.RequestListener) {
  const starts: number[] = [];
  const connections: Socket[] = [];
  const server = http.createServer(handler);
  server.on("connection", (socket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const spy = vi.spyOn(https, "request").mockImplementation(((_url: URL, options: RequestOptions, onResponse: (response: IncomingMessage) => void) => {
    starts.push(Date.now());
    return http.request({ host: "127.0.0.1", port, path: "/", method: options.method, headers: options.headers, signal: options.signal, agent }, onResponse);
  }) as unknown as typeof https.request);
  return {
    starts,
    connections,
    close: async () => {
      spy.mockRestore();
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("the transport", () => {
  const call = (options: { timeoutMs?: number; signal?: AbortSignal } = {}) => amoHttp({ host: "acoustic.amocrm.ru", path: "/api/v4/account", ...options });

  it("gives up on a server that does not answer, and on an aborted call, as a timeout", async () => {
    const amocrm = await answerOnLoopback(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(call({ timeoutMs: 200 })).rejects.toMatchObject({ code: "provider_timeout" });
    await expect(call({ signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ code: "provider_timeout" });
    vi.mocked(console.warn).mockRestore();
    await amocrm.close();
  });

  it("never takes a body cut off half-way for an answer", async () => {
    const amocrm = await answerOnLoopback((_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
      response.write('{"id": 1, "na');
      setImmediate(() => response.socket?.destroy());
    });
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(call()).rejects.toMatchObject({ code: "network_error" });
    vi.mocked(console.warn).mockRestore();
    await amocrm.close();
  });

  /**
   * Answers each request with how many it has seen, except the second: that one arrives on the first one's kept-alive
   * connection, which it closes unanswered, as a server does with a connection it has just timed out.
   */
  async function closingTheSecondRequest() {
    const seen = { requests: 0 };
    const amocrm = await answerOnLoopback((request, response) => {
      seen.requests += 1;
      if (seen.requests === 2) return request.socket.destroy();
      response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ served: seen.requests }));
    });
    return { amocrm, seen };
  }

  it("sends a GET once more when the server closed the kept-alive connection it was written to", async () => {
    const { amocrm } = await closingTheSecondRequest();
    expect(await call()).toMatchObject({ status: 200, body: { served: 1 } });
    expect(await call()).toMatchObject({ status: 200, body: { served: 3 } });
    expect(amocrm.connections).toHaveLength(2);
    await amocrm.close();
  });

  it("never sends a POST twice: the server may have handled it before it dropped the connection", async () => {
    const { amocrm, seen } = await closingTheSecondRequest();
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const post = () => amoHttp({ host: "acoustic.amocrm.ru", path: "/api/v4/leads/complex", method: "POST", json: [] });
    expect(await post()).toMatchObject({ status: 200 });
    await expect(post()).rejects.toMatchObject({ code: "network_error" });
    expect(seen.requests).toBe(2);
    vi.mocked(console.warn).mockRestore();
    await amocrm.close();
  });
});

describe("the one rate limiter", () => {
  const SPAN_MS = 1100;
  // The limiter stamps a call just before its request is created; the spy sees it a moment later.
  const STAMP_TO_REQUEST_SLACK_MS = 100;

  it("lets 7 calls start in any 1.1 s, holds the 8th, and says when a burst could leave unheld", async () => {
    const amocrm = await answerOnLoopback((_request, response) => response.writeHead(200, { "Content-Type": "application/json" }).end("{}"));
    const { starts } = amocrm;
    const call = () => amoHttp({ host: "acoustic.amocrm.ru", path: "/api/v4/account" });

    await Promise.all(Array.from({ length: 8 }, call));
    const [first, , , , , , seventh, eighth] = starts as [number, number, number, number, number, number, number, number];
    expect(seventh - first).toBeLessThan(SPAN_MS);
    expect(eighth - first).toBeGreaterThanOrEqual(SPAN_MS - STAMP_TO_REQUEST_SLACK_MS);

    // Room for seven at once only when the held 8th has left the window too.
    await waitForCapacity(7);
    const ready = Date.now();
    expect(ready - eighth).toBeGreaterThanOrEqual(SPAN_MS - STAMP_TO_REQUEST_SLACK_MS);
    await Promise.all(Array.from({ length: 7 }, call));
    expect(starts.slice(8).every((at) => at - ready < SPAN_MS)).toBe(true);
    await amocrm.close();
  });
});
