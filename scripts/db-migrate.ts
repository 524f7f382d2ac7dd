// npm run db:migrate: applies pending migrations to DATABASE_URL's database (the server also does this at start).
import { migrateDatabase } from "@/lib/db/migrate";

migrateDatabase().then(({ databasePath }) => console.log(`Migrations applied to ${databasePath}`));
