// Dev/e2e entry point: `tsx tests/fake-amocrm/cli.ts` (Playwright runs it as a webServer).
// No top-level await: package.json has no "type": "module", so tsx may load this as CJS.
import { startFakeAmo, UTM_FIELD_CODES, type FakeAmoOptions, type Platform, type UtmFieldCode } from "./server";

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

/** FAKE_AMOCRM_UTM_FIELDS: "none", or a comma list of UTM_FIELD_CODES; unset keeps the default six. */
function envUtmFields(): UtmFieldCode[] | undefined {
  const raw = envString("FAKE_AMOCRM_UTM_FIELDS");
  if (raw === undefined) return undefined;
  if (raw.trim().toLowerCase() === "none") return [];
  const codes = raw.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean);
  const unknown = codes.filter((c) => !(UTM_FIELD_CODES as readonly string[]).includes(c));
  if (unknown.length > 0) {
    throw new Error(`FAKE_AMOCRM_UTM_FIELDS: unknown ${unknown.join(", ")}; use "none" or some of ${UTM_FIELD_CODES.join(", ")}`);
  }
  return codes as UtmFieldCode[];
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
    rateLimitEnabled: process.env["FAKE_AMOCRM_RATE_LIMIT"] !== "0",
    leadUtmFields: envUtmFields(),
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
      `  Rate limit:    ${config.rateLimitEnabled ? `${config.rateLimitPerSecond} per second on /api/v4${config.rateLimitTokenEndpoint ? " and the token endpoint" : ""}, then 429; ${config.rateLimitBlockAfter} 429s in a minute block for ${config.rateLimitBlockSeconds} s (403)` : "off"}`,
      `  UTM fields:    ${config.leadUtmFields.length > 0 ? config.leadUtmFields.join(", ") : "none"}`,
      "",
      "Start the app with:",
      `  AMOCRM_OAUTH_URL=${fake.url}/oauth`,
      `  AMOCRM_API_ORIGIN=${fake.url}`,
      "",
      "Every lead and note it receives prints a line below ([fake-amocrm] lead #… created …).",
      `  Leads received:  curl ${fake.url}/__control/leads`,
      `  Forget them:     curl -X POST ${fake.url}/__control/leads/reset`,
      `  Lift a block:    curl -X POST ${fake.url}/__control/unblock`,
      `  Inject a fault:  curl -X POST ${fake.url}/__control/fault -H 'Content-Type: application/json' -d '{"target":"leads_complex","status":503,"html":true}'`,
      `  Be stricter:     curl -X POST ${fake.url}/__control/config -H 'Content-Type: application/json' -d '{"strictHosts":true,"rateLimitTokenEndpoint":true}'`,
      "Strictness switches (POST /__control/config; all lenient by default, see the README's table):",
      '  strictHosts, unknownClientConsent:"homeRedirect", htmlErrorStatuses:[401,403,502,503,504] (default [403]),',
      "  rateLimitTokenEndpoint, renamedHostRedirect:301|302, kommoEnglishErrors, unauthorizedAfterRefresh:N,",
      '  endpointDelayMs:{"token"|"refresh"|"account"|"subdomain"|"consent"|"api"|…: ms}',
      "Options (env): FAKE_AMOCRM_PORT, FAKE_AMOCRM_AUTO_ALLOW=1, FAKE_AMOCRM_RATE_LIMIT=0,",
      `  FAKE_AMOCRM_UTM_FIELDS=none|${UTM_FIELD_CODES.slice(0, 2).join(",")},…, FAKE_AMOCRM_QUIET=1 (see tests/fake-amocrm/README.md)`,
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
