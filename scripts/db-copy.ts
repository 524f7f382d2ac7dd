// npm run db:copy -- --from file:./data/app.db --to postgres://user:password@host:5432/db
// Copies every table of a SQLite installation into an empty PostgreSQL database (secrets stay encrypted under the
// same ENCRYPTION_KEY), then prints each table's row count, verified in the target before the copy commits.
import { parseArgs } from "node:util";
import { copySqliteToPostgres, CopyError } from "@/lib/db/copy";

const USAGE = "Usage: npm run db:copy -- --from file:./data/app.db --to postgres://user:password@host:5432/db";

async function main(): Promise<void> {
  let values: { from?: string; to?: string };
  try {
    ({ values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" } } }));
  } catch {
    throw new CopyError(USAGE);
  }
  if (!values.from || !values.to) throw new CopyError(USAGE);
  const counts = await copySqliteToPostgres({ from: values.from, to: values.to });
  for (const { table, rows } of counts) console.log(`${table.padEnd(20)} ${rows}`);
  console.log(`Copied ${counts.reduce((sum, { rows }) => sum + rows, 0)} rows in ${counts.length} tables; every count matches the source.`);
}

main().catch((error: unknown) => {
  // Never the URL: it carries the database password.
  console.error(error instanceof CopyError ? error.message : `Copy failed, nothing was copied: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
