// The SQLite and PostgreSQL schemas describe the same tables: same columns, nullability, keys, indexes and foreign
// keys. A table or column added to lib/db/schema.ts and not to lib/db/schema-postgres.ts (or the reverse) fails here.
import { getTableName, is, Table } from "drizzle-orm";
import {
  getTableConfig as pgConfig,
  index as pgIndex,
  integer as pgInteger,
  pgTable,
  text as pgText,
  timestamp as pgTimestamp,
  type PgTable,
} from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as sqliteSchema from "@/lib/db/schema";
import * as pgSchema from "@/lib/db/schema-postgres";
import * as activeTables from "@/lib/db/tables";

interface Shape {
  name: string;
  columns: Record<string, { notNull: boolean; primary: boolean; unique: boolean; hasDefault: boolean }>;
  primaryKeys: string[][];
  indexes: Record<string, { columns: string[]; unique: boolean }>;
  foreignKeys: string[];
}

type AnyConfig = ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>;

function shapeOf(config: AnyConfig): Shape {
  const columns: Shape["columns"] = {};
  for (const column of config.columns) {
    // A generated id is an identity (a default) on PostgreSQL and the rowid (none) on SQLite: keys are not compared
    // by their default.
    columns[column.name] = { notNull: column.notNull, primary: column.primary, unique: column.isUnique, hasDefault: !column.primary && column.hasDefault };
  }
  const indexes: Shape["indexes"] = {};
  for (const index of config.indexes) {
    indexes[index.config.name ?? "(unnamed)"] = {
      columns: index.config.columns.map((column) => ("name" in column ? String(column.name) : "(expression)")),
      unique: index.config.unique,
    };
  }
  return {
    name: config.name,
    columns,
    primaryKeys: config.primaryKeys.map((key) => key.columns.map((column) => column.name)),
    indexes,
    foreignKeys: config.foreignKeys.map((key) => {
      const ref = key.reference();
      return `${ref.columns.map((c) => c.name).join(",")} -> ${getTableName(ref.foreignTable)}(${ref.foreignColumns.map((c) => c.name).join(",")}) on delete ${key.onDelete ?? "no action"}`;
    }),
  };
}

function tablesOf(module: Record<string, unknown>): Map<string, Table> {
  const tables = new Map<string, Table>();
  for (const [exportName, value] of Object.entries(module)) if (is(value, Table)) tables.set(exportName, value);
  return tables;
}

/** Every difference between the two schemas, one line each; empty when they agree. */
function schemaDrift(sqliteTables: Map<string, Table>, pgTables: Map<string, Table>): string[] {
  const drift: string[] = [];
  for (const name of sqliteTables.keys()) if (!pgTables.has(name)) drift.push(`${name}: missing in schema-postgres.ts`);
  for (const name of pgTables.keys()) if (!sqliteTables.has(name)) drift.push(`${name}: missing in schema.ts`);
  for (const [name, sqliteTable] of sqliteTables) {
    const pgTableValue = pgTables.get(name);
    if (!pgTableValue) continue;
    const a = shapeOf(sqliteConfig(sqliteTable as SQLiteTable));
    const b = shapeOf(pgConfig(pgTableValue as PgTable));
    if (a.name !== b.name) drift.push(`${name}: SQL name ${a.name} vs ${b.name}`);
    for (const column of new Set([...Object.keys(a.columns), ...Object.keys(b.columns)])) {
      const left = JSON.stringify(a.columns[column] ?? "missing");
      const right = JSON.stringify(b.columns[column] ?? "missing");
      if (left !== right) drift.push(`${name}.${column}: sqlite ${left} vs postgres ${right}`);
    }
    for (const key of ["primaryKeys", "indexes", "foreignKeys"] as const) {
      const left = JSON.stringify(a[key]);
      const right = JSON.stringify(b[key]);
      if (left !== right) drift.push(`${name} ${key}: sqlite ${left} vs postgres ${right}`);
    }
  }
  return drift;
}

describe("schema parity", () => {
  it("every table of schema.ts exists in schema-postgres.ts with the same columns, nullability, keys and indexes", () => {
    const sqliteTables = tablesOf(sqliteSchema);
    expect(sqliteTables.size).toBeGreaterThan(10);
    expect(schemaDrift(sqliteTables, tablesOf(pgSchema))).toEqual([]);
  });

  it("lists every table in lib/db/tables.ts, the tables lib/db's modules query", () => {
    expect(Object.keys(activeTables).sort()).toEqual([...tablesOf(sqliteSchema).keys()].sort());
  });

  it("reports a column missing on one engine, a nullability change and a table missing", () => {
    const drifted = new Map(tablesOf(pgSchema));
    // leases without `expires_at`, and with `owner` nullable.
    drifted.set("leases", pgTable("leases", { name: pgText("name").primaryKey(), owner: pgText("owner") }));
    drifted.delete("deliveryState");
    drifted.set("extra", pgTable("extra", { id: pgInteger("id").primaryKey() }));
    const drift = schemaDrift(tablesOf(sqliteSchema), drifted);
    expect(drift).toContain("deliveryState: missing in schema-postgres.ts");
    expect(drift).toContain("extra: missing in schema.ts");
    expect(drift.some((line) => line.startsWith("leases.expires_at:"))).toBe(true);
    expect(drift.some((line) => line.startsWith("leases.owner:"))).toBe(true);
  });

  it("reports an index that differs", () => {
    const drifted = new Map(tablesOf(pgSchema));
    drifted.set(
      "loginFailures",
      pgTable(
        "login_failures",
        {
          id: pgInteger("id").primaryKey().generatedByDefaultAsIdentity(),
          scope: pgText("scope").notNull(),
          subject: pgText("subject").notNull(),
          at: pgTimestamp("at", { withTimezone: true }).notNull(),
        },
        (table) => [pgIndex("login_failures_subject_idx").on(table.subject, table.scope, table.at)],
      ),
    );
    const drift = schemaDrift(tablesOf(sqliteSchema), drifted);
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatch(/^loginFailures indexes:/);
  });
});
