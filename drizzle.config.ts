import { defineConfig } from "drizzle-kit";

// SQLite (the embedded default). PostgreSQL has its own config, drizzle-postgres.config.ts; `npm run db:generate`
// runs both, so every schema change gets a migration per engine.
export default defineConfig({
  dialect: "sqlite",
  schema: "./lib/db/schema.ts",
  out: "./drizzle/sqlite",
});
