import "server-only";

/** Periodic work of the server process (token keep-alive); filled in by the token lifecycle. */
export function startBackgroundJobs(): void {}
