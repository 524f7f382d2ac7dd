// npm run db:migrate: applies pending migrations to DATABASE_URL's database (the server also does this at start).
import { closeDatabase, migrateDatabase } from "@/lib/db/migrate";

migrateDatabase()
  .then(async ({ target }) => {
    console.log(`Migrations applied to ${target}`);
    await closeDatabase();
  })
  .catch((error: unknown) => {
    console.error(`Migrations failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
