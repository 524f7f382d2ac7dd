// amoCRM's disconnect hook (docs/amocrm-contract.md §7.1): lib/amocrm/disconnect-hook.ts and GET /api/amocrm/disconnect-hook,
// called by the fake amoCRM over real HTTP.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { disconnectSignature } from "../fake-amocrm/server";
import {
  ACCOUNT_ID,
  CLIENT_ID,
  CLIENT_SECRET,
  codeOf,
  connectThroughFake,
  eventTypes,
  readConnection,
  refreshCalls,
  setStoredExpiry,
  useFakeAmoSuite,
} from "./helpers/amo-test-env";

// The route imports lib/http/route, which reaches Auth.js for admin routes; this route needs no session.
vi.mock("@/lib/auth/session", () => ({ getAdmin: vi.fn(async () => null) }));
vi.mock("@/lib/i18n/errors", () => ({ describeError: async (code: string) => `message for ${code}` }));

const amo = useFakeAmoSuite();
let hookServer: Server;
let hookUrl: string;

beforeAll(async () => {
  // A minimal HTTP face for the route handler, so the fake calls it as amoCRM would.
  hookServer = createServer((req, res) => {
    (async () => {
      const { GET } = await import("@/app/api/amocrm/disconnect-hook/route");
      const response = await GET(new Request(`http://127.0.0.1${req.url ?? "/"}`, { headers: { "user-agent": req.headers["user-agent"] ?? "" } }));
      res.writeHead(response.status, { "content-type": "application/json" }).end(await response.text());
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => hookServer.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/api/amocrm/disconnect-hook`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => hookServer.close(() => resolve()));
});

afterEach(() => {
  vi.restoreAllMocks();
});

const rightSignature = (accountId: number | string = ACCOUNT_ID) => disconnectSignature(CLIENT_ID, accountId, CLIENT_SECRET);

describe("acceptDisconnectHook", () => {
  it("answers 403 when no integration is configured, exactly as to a forged signature (issue 14 item 6)", async () => {
    const { acceptDisconnectHook } = await import("@/lib/amocrm/disconnect-hook");
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const refused = { ok: false, status: 403, code: "signature_invalid" };
    expect(await acceptDisconnectHook({ clientUuid: CLIENT_ID, accountId: String(ACCOUNT_ID), signature: rightSignature() })).toEqual(refused);
    expect(await acceptDisconnectHook({ clientUuid: CLIENT_ID, accountId: String(ACCOUNT_ID), signature: "0".repeat(64) })).toEqual(refused);
  });

  it("refuses a wrong signature, a wrong client, another account or malformed input, and changes nothing", async () => {
    const { acceptDisconnectHook } = await import("@/lib/amocrm/disconnect-hook");
    await connectThroughFake(amo.fake);
    const before = await readConnection();
    const eventsBefore = await eventTypes();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const refused = { ok: false, status: 403, code: "signature_invalid" };
    const accountId = String(ACCOUNT_ID);
    const otherSecretSignature = disconnectSignature(CLIENT_ID, ACCOUNT_ID, "x".repeat(64));

    expect(await acceptDisconnectHook({ clientUuid: CLIENT_ID, accountId, signature: otherSecretSignature })).toEqual(refused);
    expect(await acceptDisconnectHook({ clientUuid: CLIENT_ID, accountId, signature: "00" })).toEqual(refused);
    expect(await acceptDisconnectHook({ clientUuid: CLIENT_ID, accountId, signature: null })).toEqual(refused);
    expect(
      (await acceptDisconnectHook({ clientUuid: "11111111-2222-3333-4444-555555555555", accountId, signature: rightSignature() })),
    ).toEqual(refused);
    // Correctly signed, but for an account this connection is not.
    expect(await acceptDisconnectHook({ clientUuid: CLIENT_ID, accountId: "1", signature: rightSignature(1) })).toEqual(refused);

    const after = await readConnection();
    expect(after).toEqual(before);
    expect(await eventTypes()).toEqual(eventsBefore);
    const logged = warn.mock.calls.flat().join("\n");
    expect(logged).not.toContain(rightSignature());
    expect(logged).not.toContain(otherSecretSignature);
    expect(logged).not.toContain(CLIENT_SECRET);
  });

  it("revokes the connection and forgets the tokens on a valid hook once amoCRM refuses the token", async () => {
    const { acceptDisconnectHook } = await import("@/lib/amocrm/disconnect-hook");
    const { getAccessToken, refreshNow, refreshForKeepalive } = await import("@/lib/amocrm/tokens");
    await connectThroughFake(amo.fake);
    // What amoCRM does before it calls the hook: the integration's tokens are revoked.
    amo.fake.controls.revokeTokens();
    expect(await acceptDisconnectHook({ clientUuid: CLIENT_ID, accountId: String(ACCOUNT_ID), signature: rightSignature() })).toEqual({ ok: true });

    const row = await readConnection();
    expect(row).toMatchObject({
      state: "revoked",
      lastErrorCode: "revoked",
      accessTokenEnc: null,
      refreshTokenEnc: null,
      clientId: CLIENT_ID,
    });
    expect(row.clientSecretEnc).not.toBeNull();
    const { listEvents } = await import("@/lib/db/events");
    expect((await listEvents({ limit: 1 }))[0]).toMatchObject({ type: "amocrm_disconnected", actor: "amocrm" });
    // One answer everywhere: refresh-now and the keep-alive say revoked too, not "not connected".
    expect(await codeOf(getAccessToken())).toBe("revoked");
    expect(await codeOf(refreshNow({ actorEmail: "admin@example.com" }))).toBe("revoked");
    expect(await codeOf(refreshForKeepalive())).toBe("revoked");
  });
});

describe("a correctly signed hook that amoCRM does not confirm (issue 14 item 5)", () => {
  const hook = () => ({ clientUuid: CLIENT_ID, accountId: String(ACCOUNT_ID), signature: rightSignature() });
  const tokenColumns = (row: Awaited<ReturnType<typeof readConnection>>) => ({
    state: row.state,
    accessTokenEnc: row.accessTokenEnc,
    refreshTokenEnc: row.refreshTokenEnc,
    generation: row.generation,
  });

  it("a replay while amoCRM still accepts the token changes nothing and is recorded; the next one within a minute does not even ask", async () => {
    const { acceptDisconnectHook } = await import("@/lib/amocrm/disconnect-hook");
    await connectThroughFake(amo.fake);
    const before = tokenColumns(await readConnection());
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const accountCalls = amo.fake.controls.snapshot().calls.account;

    expect(await acceptDisconnectHook(hook())).toEqual({ ok: false, status: 403, code: "signature_invalid" });
    expect(tokenColumns(await readConnection())).toEqual(before);
    expect(amo.fake.controls.snapshot().calls.account).toBe(accountCalls + 1);
    expect((await eventTypes()).at(-1)).toBe("disconnect_hook_refused");
    expect(warn.mock.calls.flat().join("\n")).toMatch(/still accepts the stored token/);

    const eventsAfterFirst = await eventTypes();
    expect(await acceptDisconnectHook({ ...hook(), now: new Date(Date.now() + 30_000) })).toMatchObject({ ok: false, status: 403 });
    expect(amo.fake.controls.snapshot().calls.account).toBe(accountCalls + 1);
    expect(await eventTypes()).toEqual(eventsAfterFirst);
    expect(tokenColumns(await readConnection())).toEqual(before);
  });

  it("keeps the tokens and records it when amoCRM cannot be asked", async () => {
    const { acceptDisconnectHook } = await import("@/lib/amocrm/disconnect-hook");
    await connectThroughFake(amo.fake);
    const before = tokenColumns(await readConnection());
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    amo.fake.controls.fault({ target: "account", status: 503, times: 1 });

    expect(await acceptDisconnectHook(hook())).toMatchObject({ ok: false, status: 403 });
    expect(tokenColumns(await readConnection())).toEqual(before);
    expect((await eventTypes()).at(-1)).toBe("disconnect_hook_unconfirmed");
  });

  it("refreshes an expired token before asking: a 401 to an expired token proves nothing", async () => {
    const { acceptDisconnectHook } = await import("@/lib/amocrm/disconnect-hook");
    await connectThroughFake(amo.fake);
    await setStoredExpiry(new Date(Date.now() - 1000));
    vi.spyOn(console, "warn").mockImplementation(() => undefined);

    expect(await acceptDisconnectHook(hook())).toMatchObject({ ok: false, status: 403 });
    const row = await readConnection();
    expect(row.state).toBe("connected");
    expect(row.accessTokenEnc).not.toBeNull();
    expect(refreshCalls(amo.fake)).toBe(1);
    expect((await eventTypes()).at(-1)).toBe("disconnect_hook_refused");
  });

  it("with an expired token and the integration really disabled, the refused refresh confirms it", async () => {
    const { acceptDisconnectHook } = await import("@/lib/amocrm/disconnect-hook");
    await connectThroughFake(amo.fake);
    await setStoredExpiry(new Date(Date.now() - 1000));
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    amo.fake.controls.revokeTokens();

    expect(await acceptDisconnectHook(hook())).toEqual({ ok: true });
    expect(await readConnection()).toMatchObject({ state: "revoked", accessTokenEnc: null, refreshTokenEnc: null });
  });

  it("a hook repeated after the revocation records nothing new", async () => {
    const { acceptDisconnectHook } = await import("@/lib/amocrm/disconnect-hook");
    await connectThroughFake(amo.fake);
    amo.fake.controls.revokeTokens();
    expect(await acceptDisconnectHook(hook())).toEqual({ ok: true });
    const events = await eventTypes();
    expect(await acceptDisconnectHook(hook())).toEqual({ ok: true });
    expect(await eventTypes()).toEqual(events);
  });
});

describe("GET /api/amocrm/disconnect-hook, called by the fake amoCRM", () => {
  it("answers 403 to a forged signature or another client, then 200 {ok:true} to the real hook", async () => {
    await connectThroughFake(amo.fake);

    const forged = await amo.fake.controls.disconnectHook({ url: hookUrl, signature: "ab".repeat(32) });
    expect(forged.status).toBe(403);
    const otherClient = await amo.fake.controls.disconnectHook({ url: hookUrl, clientUuid: "11111111-2222-3333-4444-555555555555" });
    expect(otherClient.status).toBe(403);
    expect((await readConnection()).state).toBe("connected");

    const valid = await amo.fake.controls.disconnectHook({ url: hookUrl });
    expect(valid.status).toBe(200);
    expect((await readConnection()).state).toBe("revoked");
  });

  it("answers the error JSON shape", async () => {
    const { GET } = await import("@/app/api/amocrm/disconnect-hook/route");
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const unconfigured = await GET(new Request(`${hookUrl}?client_uuid=${CLIENT_ID}&account_id=1&signature=00`));
    expect(unconfigured.status).toBe(403);
    expect(await unconfigured.json()).toEqual({ ok: false, error: { code: "signature_invalid", message: "message for signature_invalid" } });

    await connectThroughFake(amo.fake);
    const refused = await GET(new Request(`${hookUrl}?client_uuid=${CLIENT_ID}&account_id=${ACCOUNT_ID}&signature=${"0".repeat(64)}`));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ ok: false, error: { code: "signature_invalid", message: "message for signature_invalid" } });

    amo.fake.controls.revokeTokens();
    const accepted = await GET(new Request(`${hookUrl}?client_uuid=${CLIENT_ID}&account_id=${ACCOUNT_ID}&signature=${rightSignature()}`));
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ ok: true });
  });
});
