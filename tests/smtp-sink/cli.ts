// `tsx tests/smtp-sink/cli.ts`: the SMTP sink for browser tests and a newcomer's local setup.
import { startSmtpSink } from "./server";

async function main(): Promise<void> {
  const port = Number(process.env.SMTP_SINK_PORT || 2525);
  const sink = await startSmtpSink({
    port,
    host: "127.0.0.1",
    user: process.env.SMTP_SINK_USER || "alerts",
    password: process.env.SMTP_SINK_PASSWORD || "sink-password",
    controlPort: Number(process.env.SMTP_SINK_CONTROL_PORT || port + 1),
  });
  console.log(
    [
      `SMTP sink listening on 127.0.0.1:${sink.port}; messages at ${sink.controlUrl}/__control/messages`,
      "Start the app with:",
      `  SMTP_URL=smtp://${process.env.SMTP_SINK_USER || "alerts"}:<SMTP_SINK_PASSWORD>@127.0.0.1:${sink.port}  ALERT_EMAIL_FROM=alerts@example.uz`,
      "",
    ].join("\n"),
  );
  const stop = () => void sink.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error("[smtp-sink] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
