// `npm run amocrm:refresh`: the server's token maintenance once, for cron. Resolves an interrupted refresh, then
// refreshes when the keep-alive is due. Prints one line without secrets; exits 1 when the tokens need attention.
import { runTokenMaintenance } from "@/lib/amocrm/jobs";
import { EnvError, getEnv } from "@/lib/env";

async function main(): Promise<number> {
  // The outcome line below says what happened; the library's progress lines would repeat it on stdout.
  // Its warnings still go to stderr.
  console.info = () => undefined;
  try {
    getEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    for (const problem of error.problems) console.error(`[config] ${problem}`);
    return 1;
  }
  const { dangling, keepalive } = await runTokenMaintenance();
  const recovered = dangling.outcome === "recovered" ? "interrupted refresh recovered; " : "";
  if (dangling.outcome === "failed") {
    console.log(`amocrm:refresh failed: an interrupted refresh could not be recovered (${dangling.code})`);
    return 1;
  }
  switch (keepalive.outcome) {
    case "refreshed":
      console.log(`amocrm:refresh ok: ${recovered}tokens refreshed, access token valid until ${keepalive.accessTokenExpiresAt?.toISOString() ?? "unknown"}`);
      return 0;
    case "not_due":
      console.log(`amocrm:refresh ok: ${recovered}not due, next keep-alive refresh at ${keepalive.nextAt.toISOString()}`);
      return 0;
    case "busy":
      console.log(`amocrm:refresh ok: ${recovered}another process is running the keep-alive right now`);
      return 0;
    case "skipped":
      if (keepalive.reason === "needs_reauth" || keepalive.reason === "revoked") {
        console.log(`amocrm:refresh failed: the connection is ${keepalive.reason}; an admin must authorize again on /connect`);
        return 1;
      }
      console.log(`amocrm:refresh ok: nothing to refresh (${keepalive.reason})`);
      return 0;
    case "failed":
      console.log(`amocrm:refresh failed: ${keepalive.code}`);
      return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.log(`amocrm:refresh failed: ${error instanceof Error ? error.name : "unexpected error"}`);
    process.exit(1);
  },
);
