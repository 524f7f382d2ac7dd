// Child of bench/engines.ts, run with the engine's environment: migrates the database, creates the admin, connects
// to the fake amoCRM with the authorization code the parent issued, and prints one JSON line with a new site key.
// A child per engine because lib/db picks its engine's tables when it loads.
import { saveCredentials, storeConnectedTokens } from "@/lib/amocrm/connection";
import { exchangeCode, fetchAccount } from "@/lib/amocrm/oauth";
import { hashPassword } from "@/lib/auth/password";
import { createFirstAdmin } from "@/lib/db/admins";
import { createApiKey } from "@/lib/db/api-keys";
import { closeDatabase, migrateDatabase } from "@/lib/db/migrate";

const [code, clientId, clientSecret, adminEmail, adminPassword, redirectUri] = process.argv.slice(2);
const ACCOUNT_HOST = "acoustic.amocrm.ru";

async function main(): Promise<void> {
  if (!code || !clientId || !clientSecret || !adminEmail || !adminPassword || !redirectUri) throw new Error("usage: engines-setup.ts <code> <clientId> <clientSecret> <email> <password> <redirectUri>");
  await migrateDatabase();
  await createFirstAdmin({ email: adminEmail, passwordHash: await hashPassword(adminPassword) });
  await saveCredentials({ platform: "amocrm.ru", clientId, clientSecret, expectedAccountHost: null, actorEmail: adminEmail });
  const tokens = await exchangeCode({ host: ACCOUNT_HOST, clientId, clientSecret, redirectUri, code, now: () => new Date() });
  const account = await fetchAccount({ host: ACCOUNT_HOST, accessToken: tokens.accessToken });
  await storeConnectedTokens({
    mode: "oauth",
    platform: "amocrm.ru",
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    redirectUri,
    accountHost: ACCOUNT_HOST,
    account,
    apiDomain: tokens.claims.apiDomain ?? null,
    actor: "admin",
    actorEmail: adminEmail,
    now: new Date(),
  });
  const { key } = await createApiKey({ name: "bench engines", createdBy: null });
  console.log(JSON.stringify({ siteKey: key }));
  await closeDatabase();
}

main().catch((error: unknown) => {
  console.error(`engines-setup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
