// Dev/e2e entry point: `npm run fake-telegram` (Playwright runs it as a webServer).
// No top-level await: package.json has no "type": "module", so tsx may load this as CJS.
import { DEFAULT_TOKEN, startFakeTelegram } from "./server";

async function main(): Promise<void> {
  const port = Number(process.env.FAKE_TELEGRAM_PORT || 4020);
  const fake = await startFakeTelegram({
    port,
    host: process.env.FAKE_TELEGRAM_HOST || "127.0.0.1",
    token: process.env.FAKE_TELEGRAM_TOKEN || DEFAULT_TOKEN,
    botUsername: process.env.FAKE_TELEGRAM_BOT || undefined,
    quiet: process.env.FAKE_TELEGRAM_QUIET === "1",
  });
  // Printing the token is the point: it is a throwaway value for the local app, never a real bot's.
  console.log(
    [
      `Fake Telegram Bot API listening on ${fake.url} (bot @${fake.botUsername})`,
      "",
      "Start the app with:",
      `  TELEGRAM_BOT_TOKEN=${fake.token}`,
      `  TELEGRAM_API_ORIGIN=${fake.url}`,
      "",
      "On /settings/alerts, create a binding link and copy its start code (the part after ?start=), then press Start as a chat would:",
      `  curl -X POST ${fake.url}/__control/start -H 'Content-Type: application/json' -d '{"chatId":1001,"code":"<code>"}'`,
      "Every message the app sends prints a line below ([fake-telegram] message to chat …).",
      `  Messages sent:   curl ${fake.url}/__control/messages`,
      `  Ask to wait:     curl -X POST ${fake.url}/__control/fault -H 'Content-Type: application/json' -d '{"method":"sendMessage","status":429,"retryAfter":5}'`,
      `  Forget it all:   curl -X POST ${fake.url}/__control/reset`,
      "",
    ].join("\n"),
  );
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error("[fake-telegram] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
