// The gate's kept-alive agents close idle connections after 4 s (IDLE_CONNECTION_MS in lib/amocrm/http.ts). That is
// the idle limit only: an amoCRM answer that takes longer, on a new or a reused connection, must still arrive (the
// request's own deadline is 15 s). Own file: it needs AMOCRM_API_ORIGIN, which the gate's other tests must not set.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, expect, it } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

const SLOWER_THAN_IDLE_LIMIT_MS = 5_000;
let seen = 0;
const amocrm = http.createServer((_request, response) => {
  seen += 1;
  // The first answer comes at once, so the second request reuses its connection; the second takes 5 s.
  setTimeout(() => response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ seen })), seen === 1 ? 0 : SLOWER_THAN_IDLE_LIMIT_MS);
});
const connections: unknown[] = [];
amocrm.on("connection", (socket) => connections.push(socket));
await new Promise<void>((resolve) => amocrm.listen(0, "127.0.0.1", resolve));
setupTempEnv({ AMOCRM_API_ORIGIN: `http://127.0.0.1:${(amocrm.address() as AddressInfo).port}` });
const { amoHttp } = await import("@/lib/amocrm/http");

afterAll(async () => {
  amocrm.closeAllConnections();
  await new Promise((resolve) => amocrm.close(resolve));
});

it("an answer slower than the idle limit still arrives on a reused connection", async () => {
  const call = () => amoHttp({ host: "acoustic.amocrm.ru", path: "/api/v4/account" });
  expect(await call()).toMatchObject({ status: 200, body: { seen: 1 } });
  expect(await call()).toMatchObject({ status: 200, body: { seen: 2 } });
  expect(connections).toHaveLength(1);
}, 20_000);
