import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeAmo } from "../fake-amocrm/server";
import { connectThroughFake, startFakeOptions, useTestEnv } from "./helpers/amo-test-env";

// A lead amoCRM refuses (HTTP 400) goes dead in the lead worker's round, and its alert is queued in that same
// transaction: the real delivery path against the fake amoCRM, the alert sent to a receiver of this test.
const fake = await startFakeAmo(startFakeOptions());
const bodies: string[] = [];
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    bodies.push(Buffer.concat(chunks).toString("utf8"));
    response.writeHead(200);
    response.end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
useTestEnv(fake.url, { ALERT_WEBHOOK_ALLOW_PRIVATE: "1" });
const { saveWebhook } = await import("@/lib/db/alert-settings");
const { acceptLead, findLead } = await import("@/lib/db/leads");
const { runDeliveryRound } = await import("@/lib/leads/outbox");
const { listAlertDeliveries } = await import("@/lib/db/alert-deliveries");
const { runAlertRound } = await import("@/lib/alerts/worker");

afterAll(async () => {
  await fake.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe("a lead given up", () => {
  it("queues one lead_dead alert per channel with the lead's delivery, and the alert says how many", async () => {
    await saveWebhook({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, secret: "whsec_x", locale: "en", updatedBy: "admin@example.com" });
    await connectThroughFake(fake);
    const id = "3f2a9c1e-0000-4000-8000-00000000dead";
    const utm = { source: null, medium: null, campaign: null, content: null, term: null };
    await acceptLead({ id, apiKeyId: "k", lead: { name: "Ali", phone: "+998901234567", email: null, message: null, source: null, pageUrl: null, utm }, idempotency: null, answer: () => ({ status: 202, body: "{}" }), now: new Date() });
    fake.controls.fault({ target: "leads_complex", status: 400, requestId: id });

    const controller = new AbortController();
    await runDeliveryRound({ owner: "test", signal: controller.signal });
    expect((await findLead(id))?.status).toBe("dead");
    const queued = (await listAlertDeliveries()).filter((row) => row.kind === "lead_dead");
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ channel: "webhook", status: "queued", detail: { count: 1 } });

    expect(await runAlertRound({ owner: "test" })).toEqual({ claimed: 1, sent: 1 });
    const body = JSON.parse(bodies[0]!) as { event: string; message: string; dashboardUrl: string };
    expect(body.event).toBe("lead_dead");
    expect(body.message).toContain("1 lead was given up");
    expect(body.dashboardUrl).toBe("http://127.0.0.1:3101/leads?status=dead");
  });
});
