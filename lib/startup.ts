import "server-only";
import { hashPassword } from "@/lib/auth/password";
import { announceSetupLink, forgetSetupLink } from "@/lib/auth/setup-link";
import { countAdmins, createFirstAdmin } from "@/lib/db/admins";
import { migrateDatabase } from "@/lib/db/migrate";
import { createSetupToken } from "@/lib/db/setup-tokens";
import { checkAppUrl, type AppUrlReason } from "@/lib/app-url-check";
import { EnvError, getEnv } from "@/lib/env";
import { installPeerAddressHeader } from "@/lib/http/client-address";

// amoCRM comes back to APP_URL (the Redirect URI, the disconnect hook): a start-up line says when it may not. It warns
// only; whether such an APP_URL may start at all is lib/env.ts's decision.
const APP_URL_WARNINGS: Record<AppUrlReason, (appUrl: string) => string> = {
  loopback: (appUrl) =>
    `APP_URL ${appUrl} is a loopback address (a local trial): amoCRM's servers cannot reach it, so the disconnect hook never arrives and only this computer's browser can finish the authorization. Use the dashboard's public https address.`,
  private: (appUrl) =>
    `APP_URL ${appUrl} is a private address: amoCRM's servers cannot reach it, so the disconnect hook never arrives, and browsers outside this network cannot finish the authorization. Use the dashboard's public https address.`,
  not_https: (appUrl) =>
    `APP_URL ${appUrl} is not https: amoCRM may refuse an http Redirect URI and the admin's sign-in travels unencrypted. Use the dashboard's public https address.`,
};

/**
 * Runs once when the server starts (instrumentation.ts): checks the configuration, applies migrations and makes
 * sure there is a way to the first admin, then starts the token job and the lead delivery worker. A bad
 * configuration stops the process with one line per problem.
 */
export async function startServer(): Promise<void> {
  // Before anything else: the sign-in throttle needs every request's socket address (lib/http/client-address.ts).
  installPeerAddressHeader();
  let env;
  try {
    env = getEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    for (const problem of error.problems) console.error(`[config] ${problem}`);
    process.exit(1);
  }
  for (const warning of env.warnings) console.warn(`[config] ${warning}`);
  const appUrlProblem = env.isProduction ? checkAppUrl(env.appUrl) : null;
  if (appUrlProblem) console.warn(`[config] ${APP_URL_WARNINGS[appUrlProblem.reason](env.appUrl)}`);
  if (env.amocrmApiOrigin) {
    console.warn(`[config] AMOCRM_API_ORIGIN is set: every amoCRM call goes to ${env.amocrmApiOrigin} (test provider)`);
  }
  await migrateDatabase();
  await ensureFirstAdmin(env);
  const { startBackgroundJobs } = await import("@/lib/amocrm/jobs");
  startBackgroundJobs();
  const { startLeadWorker } = await import("@/lib/leads/worker");
  startLeadWorker();
  const { startAlertWorker } = await import("@/lib/alerts/worker");
  startAlertWorker();
  const { startTelegramPoller } = await import("@/lib/alerts/telegram-binding");
  startTelegramPoller();
}

/** Exported for tests/unit/setup-link.test.ts, which runs it in a child process. */
export async function ensureFirstAdmin(env: ReturnType<typeof getEnv>): Promise<void> {
  if ((await countAdmins()) > 0) {
    forgetSetupLink(env);
    return;
  }
  if (env.adminEmail && env.adminPassword) {
    // Another server sharing the database may have created it meanwhile.
    if (await createFirstAdmin({ email: env.adminEmail, passwordHash: await hashPassword(env.adminPassword) })) {
      console.info("[setup] first admin created from ADMIN_EMAIL and ADMIN_PASSWORD");
    }
    return;
  }
  const { token } = await createSetupToken();
  announceSetupLink({
    link: `${env.appUrl}/setup?token=${token}`,
    isProduction: env.isProduction,
    terminal: Boolean(process.stdout.isTTY),
    dataDir: env.dataDir,
  });
}
