// GET /api/amocrm/authorize (issue 14 item 7): a navigation another site started (Sec-Fetch-Site cross-site or
// same-site) starts no flow; the admin is sent to /connect, which offers the Authorize button.
import { describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv({ APP_URL: "http://127.0.0.1:3999", AMOCRM_OAUTH_URL: "http://127.0.0.1:4999/oauth" });

const admin = { id: 1, email: "admin@example.com" };
vi.mock("@/lib/auth/session", () => ({ getAdmin: vi.fn(async () => admin) }));

const { createAdmin } = await import("@/lib/db/admins");
await createAdmin({ email: admin.email, passwordHash: "x" });
const { saveCredentials } = await import("@/lib/amocrm/connection");
await saveCredentials({ platform: "amocrm.ru", clientId: "2912780f-a1e4-4d5d-a069-ee01422d8bef", clientSecret: "S".repeat(64), expectedAccountHost: null, actorEmail: admin.email });
const { getSqlite } = await import("@/lib/db/client");
const { GET } = await import("@/app/api/amocrm/authorize/route");

const states = () => (getSqlite().prepare("select count(*) as n from oauth_states").get() as { n: number }).n;
const authorize = (secFetchSite?: string) =>
  GET(new Request("http://127.0.0.1:3999/api/amocrm/authorize", { headers: secFetchSite ? { "Sec-Fetch-Site": secFetchSite } : {} }));

describe("GET /api/amocrm/authorize", () => {
  it.each(["cross-site", "same-site"])("a %s navigation creates no state and is sent to /connect to confirm", async (site) => {
    const before = states();
    const response = await authorize(site);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("http://127.0.0.1:3999/connect?authorize=confirm");
    expect(states()).toBe(before);
  });

  it.each(["same-origin", "none", undefined])("a %s navigation goes to the consent page with a fresh state", async (site) => {
    const before = states();
    const response = await authorize(site);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(/^http:\/\/127\.0\.0\.1:4999\/oauth\?client_id=.*&state=/);
    expect(states()).toBe(before + 1);
  });
});
