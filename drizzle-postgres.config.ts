import { defineConfig } from "drizzle-kit";

// PostgreSQL: the tables of lib/db/schema-postgres.ts (kept in step with lib/db/schema.ts by the parity test).
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema-postgres.ts",
  out: "./drizzle/postgres",
});
