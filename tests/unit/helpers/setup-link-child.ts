// The start-up step that makes a way to the first admin (lib/startup.ts ensureFirstAdmin), alone in a process of its
// own, so tests/unit/setup-link.test.ts can give it a pipe or a terminal as standard output. Run as
// `node --import tsx --conditions=react-server tests/unit/helpers/setup-link-child.ts` with the test's env.
import { migrateDatabase } from "@/lib/db/migrate";
import { getEnv } from "@/lib/env";
import { ensureFirstAdmin } from "@/lib/startup";

async function main(): Promise<void> {
  await migrateDatabase();
  await ensureFirstAdmin(getEnv());
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`setup-link-child: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
