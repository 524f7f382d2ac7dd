// npm run db:migrate: applies pending migrations to DATABASE_URL's database (the server also does this at start).
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";

getDb();
console.log(`Migrations applied to ${getEnv().databasePath}`);
