// App-side set-up shared by the in-process measures. Imports app modules: load it only after createBenchEnv().
import { hashPassword } from "@/lib/auth/password";
import { saveCredentials } from "@/lib/amocrm/connection";
import { createAdmin } from "@/lib/db/admins";
import { getSqlite } from "@/lib/db/client";
import { getConnection } from "@/lib/db/connection";
import type { Admin } from "@/lib/db/schema";
import type { FakeAmo } from "../tests/fake-amocrm/server";
import { ADMIN_EMAIL, CLIENT_ID, type BenchEnv } from "./environment";

/** A real admin row (the one `next start` signs in later) and saved credentials, as /connect leaves them. */
export async function prepareApp(env: BenchEnv): Promise<Admin> {
  const admin = await createAdmin({ email: ADMIN_EMAIL, passwordHash: await hashPassword(env.adminPassword) });
  await saveCredentials({
    platform: "amocrm.ru",
    clientId: CLIENT_ID,
    clientSecret: env.clientSecret,
    expectedAccountHost: null,
    actorEmail: ADMIN_EMAIL,
  });
  return admin;
}

/** Bench-only direct write, as the unit tests do: the stored access token expired a minute ago. */
export function expireStoredAccessToken(): void {
  getSqlite().prepare("UPDATE connections SET access_token_expires_at = ? WHERE id = 1").run(Date.now() - 60_000);
}

export async function storedGeneration(): Promise<number> {
  const row = await getConnection();
  if (!row) throw new Error("no connection row");
  return row.generation;
}

export function refreshCalls(fake: FakeAmo): number {
  return fake.controls.snapshot().calls.tokenRefresh;
}

/**
 * The fake limits requests per account (7 a second, as amoCRM does) and answers 429 past that. Giving each measured
 * authorization its own account host (the fake renames its subdomain) keeps the fake's limit out of the figure; the
 * app's own limiter is waited for before each clock starts (bench/callback.ts).
 */
export function switchToFreshAccountHost(fake: FakeAmo, label: string): void {
  fake.controls.renameSubdomain(label);
}
