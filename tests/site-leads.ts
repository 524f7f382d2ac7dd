import { execFileSync } from "node:child_process";
import { expect, type APIRequestContext } from "@playwright/test";
import { e2e } from "../playwright.config";

/**
 * The website's side of lead delivery for browser tests: a site API key made the way a deployment makes one, leads
 * posted to the intake API, and what the fake amoCRM received.
 */

/**
 * `npm run admin -- api-key create`, the way a scripted deployment makes a key, against the main e2e server's
 * database (or the setup server's); the key is the only line on stdout.
 */
export function createSiteKey(name: string, { databasePath = e2e.databasePath, appUrl = e2e.appUrl } = {}): string {
  const output = execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/admin.ts", "api-key", "create", "--name", name], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: `file:${databasePath}`,
      ENCRYPTION_KEY: e2e.encryptionKey,
      AUTH_SECRET: e2e.authSecret,
      APP_URL: appUrl,
    },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const key = output.trim();
  expect(key).toMatch(/^amc_[A-Za-z0-9_-]{43}$/);
  return key;
}

export interface SiteLead {
  name: string;
  phone?: string;
  email?: string;
  message?: string;
  source?: string;
  pageUrl?: string;
  utm?: Partial<Record<"source" | "medium" | "campaign" | "content" | "term", string | null>>;
}

/** Posts one lead as the website does and returns its id; the app answers 202 whatever amoCRM's state. */
export async function postLead(request: APIRequestContext, key: string, lead: SiteLead): Promise<string> {
  const response = await request.post(`${e2e.appUrl}/api/v1/leads`, { headers: { Authorization: `Bearer ${key}` }, data: lead });
  expect(response.status(), await response.text()).toBe(202);
  return ((await response.json()) as { lead: { id: string } }).lead.id;
}

export async function leadStatus(request: APIRequestContext, key: string, id: string): Promise<string> {
  const response = await request.get(`${e2e.appUrl}/api/v1/leads/${id}`, { headers: { Authorization: `Bearer ${key}` } });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { lead: { status: string } }).lead.status;
}

/** A lead as the fake amoCRM stored it (tests/fake-amocrm/leads-store.ts). */
export interface ReceivedLead {
  id: number;
  name: string;
  pipeline_id: number;
  status_id: number;
  tags: Array<{ id: number; name: string }>;
  custom_fields_values: Array<{ field_code?: string | null; values: Array<{ value: unknown }> }>;
  request_ids: string[];
  unsorted: boolean;
  metadata: Record<string, unknown> | null;
}

/** Every lead the fake received for our lead `id` (its request_id); normally exactly one. */
export async function receivedLeads(request: APIRequestContext, id: string): Promise<ReceivedLead[]> {
  const response = await request.get(`${e2e.fakeUrl}/__control/leads`);
  expect(response.ok()).toBeTruthy();
  const { leads } = (await response.json()) as { leads: ReceivedLead[] };
  return leads.filter((lead) => lead.request_ids.includes(id));
}

/** Waits until the fake has received the lead, and returns it. */
export async function waitForReceived(request: APIRequestContext, id: string): Promise<ReceivedLead> {
  await expect.poll(async () => (await receivedLeads(request, id)).length, { message: `lead ${id} reaches amoCRM`, timeout: 20_000 }).toBe(1);
  return (await receivedLeads(request, id))[0]!;
}
