// Next calls register() once per server process; the Node runtime is where the database and secrets live.
export async function register(): Promise<void> {
  // NEXT_RUNTIME is set by Next itself, not configuration, so it is read here rather than through lib/env.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./lib/startup");
    await startServer();
  }
}
