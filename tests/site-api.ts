import { execFileSync } from "node:child_process";
import { expect, type APIRequestContext } from "@playwright/test";
import { e2e } from "../playwright.config";

/**
 * The company website's side of the leads API, for browser tests: a site API key made the scripted way (`npm run
 * admin -- api-key create`, against the e2e server's database) and form submissions posted with it.
 */

/** A new site key, from the CLI's standard output (where it prints the key and nothing else). */
export function createSiteApiKey(name: string): string {
  const key = execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/admin.ts", "api-key", "create", "--name", name], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      APP_URL: e2e.appUrl,
      DATABASE_URL: `file:${e2e.databasePath}`,
      ENCRYPTION_KEY: e2e.encryptionKey,
      AUTH_SECRET: e2e.authSecret,
    },
  }).trim();
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
}

/** Posts one lead as the website does; returns its id once the app has answered 202. */
export async function postLead(request: APIRequestContext, key: string, lead: SiteLead): Promise<string> {
  const response = await request.post(`${e2e.appUrl}/api/v1/leads`, { headers: { Authorization: `Bearer ${key}` }, data: lead });
  expect(response.status(), await response.text()).toBe(202);
  const body = (await response.json()) as { lead: { id: string } };
  return body.lead.id;
}
