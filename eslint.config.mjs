import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// Arrows only point down (docs: architecture): app/ -> components/ -> lib/; inside lib/, domain modules -> lib/db/ ->
// the engine. lib/ never imports app/, components/ or the root auth.ts; only lib/db/ touches Drizzle, the SQLite
// driver, the client and the transaction helper (tests and bench may reach the raw handle to move time).
const UPWARD = {
  regex: "^(@/|(\\.\\./)+)(app|components)(/|$)|^(@/|(\\.\\./)+)auth$",
  message: "lib/ must not import app/, components/ or the root auth.ts: move the shared piece into lib/ instead.",
};
const ENGINE = {
  regex: "^(drizzle-orm|better-sqlite3|pg)(/|$)|^@/lib/db/(client|transaction)$",
  message: "Only lib/db/ talks to the database engine: call a named data function from lib/db/<table>.ts instead.",
};
// lib/db's modules take their tables from ./tables (the active engine's); ./schema holds SQLite's alone.
const SCHEMA = {
  regex: "^\\./schema$",
  allowTypeImports: true,
  message: "Import tables from ./tables, which picks the active engine's; ./schema's values are SQLite's only.",
};
const restrict = (...patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    // Playwright fixtures call their continuation `use`, which is not React's hook.
    files: ["tests/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  { files: ["lib/db/**"], rules: restrict(UPWARD, SCHEMA) },
  { files: ["lib/db/client.ts", "lib/db/tables.ts", "lib/db/schema-postgres.ts", "lib/db/copy.ts"], rules: restrict(UPWARD) },
  { files: ["lib/**"], ignores: ["lib/db/**"], rules: restrict(UPWARD, ENGINE) },
  { files: ["app/**", "components/**", "scripts/**", "*.ts"], rules: restrict(ENGINE) },
  {
    ignores: [".next/**", "node_modules/**", "data/**", "drizzle/**", "test-results/**", "playwright-report/**", "tests/.artifacts/**", "next-env.d.ts"],
  },
];

export default config;
