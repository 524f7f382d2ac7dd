// Dev/e2e entry point: `tsx tests/fake-amocrm/cli.ts` (Playwright runs it as a webServer).
// No top-level await: package.json has no "type": "module", so tsx may load this as CJS.
import { startFakeAmo, type FakeAmoOptions, type Platform } from "./server";

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function envString(name: string): string | undefined {
  const raw = process.env[name];
  return raw === undefined || raw === "" ? undefined : raw;
}

function envPlatform(): Platform | undefined {
  const raw = envString("FAKE_AMOCRM_PLATFORM");
  if (raw === undefined) return undefined;
  if (raw !== "amocrm.ru" && raw !== "kommo.com") throw new Error(`FAKE_AMOCRM_PLATFORM must be amocrm.ru or kommo.com`);
  return raw;
}

async function main(): Promise<void> {
  const opts: FakeAmoOptions = {
    port: envInt("FAKE_AMOCRM_PORT") ?? 4010,
    host: envString("FAKE_AMOCRM_HOST"),
    clientId: envString("FAKE_AMOCRM_CLIENT_ID"),
    clientSecret: envString("FAKE_AMOCRM_CLIENT_SECRET"),
    // The dashboard's development Redirect URI, so `npm run fake-amocrm` + `npm run dev` work together as they are.
    redirectUri: envString("FAKE_AMOCRM_REDIRECT_URI") ?? "http://localhost:3001/api/amocrm/callback",
    subdomain: envString("FAKE_AMOCRM_SUBDOMAIN"),
    platform: envPlatform(),
    accountId: envInt("FAKE_AMOCRM_ACCOUNT_ID"),
    accountName: envString("FAKE_AMOCRM_ACCOUNT_NAME"),
    autoAllow: process.env["FAKE_AMOCRM_AUTO_ALLOW"] === "1",
    quiet: process.env["FAKE_AMOCRM_QUIET"] === "1",
  };
  const fake = await startFakeAmo(opts);
  const config = fake.controls.config;

  // Printing the secret is the point: it is a throwaway value the developer pastes into the app.
  console.log(
    [
      `Fake amoCRM listening on ${fake.url}`,
      `  Client ID:     ${config.clientId}`,
      `  Client Secret: ${config.clientSecret}`,
      `  Redirect URI:  ${config.redirectUri}`,
      `  Account:       ${config.accountName} (${config.subdomain}.${config.platform}, id ${config.accountId})`,
      `  Auto-allow:    ${config.autoAllow ? "on" : "off"}`,
      "",
      "Start the app with:",
      `  AMOCRM_OAUTH_URL=${fake.url}/oauth`,
      `  AMOCRM_API_ORIGIN=${fake.url}`,
      "",
    ].join("\n"),
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`[fake-amocrm] ${signal}: shutting down`);
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error("[fake-amocrm] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
