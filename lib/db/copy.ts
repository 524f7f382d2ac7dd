import "server-only";
import path from "node:path";
import Database from "better-sqlite3";
import { count, getTableName, is, sql, Table } from "drizzle-orm";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/node-postgres";
import { migrate as migratePostgres } from "drizzle-orm/node-postgres/migrator";
import { getTableConfig as postgresTableConfig, type PgTable } from "drizzle-orm/pg-core";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import pg from "pg";
import * as sqliteSchema from "./schema";
import * as postgresSchema from "./schema-postgres";

/**
 * `npm run db:copy -- --from file:./data/app.db --to postgres://…`: moves an installation from SQLite to
 * PostgreSQL. Every table is copied row for row, values as they are stored: secrets stay encrypted (their associated
 * data names the table, column and row, which do not change), so the same ENCRYPTION_KEY opens them on PostgreSQL.
 * The target is migrated first and must be empty; the copy is one transaction, and the row counts are compared
 * before it commits.
 */

export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CopyError";
  }
}

export interface TableCount {
  table: string;
  rows: number;
}

const CHUNK = 500;
const MIGRATIONS = path.join(process.cwd(), "drizzle");

/** The tables in an order that inserts parents (admins) before the rows referring to them; every table of schema.ts, the alert tables included. */
function tablePairs(): Array<{ name: string; from: SQLiteTable; to: PgTable }> {
  const pairs: Array<{ name: string; from: SQLiteTable; to: PgTable }> = [];
  for (const [exportName, value] of Object.entries(sqliteSchema)) {
    if (!is(value, Table)) continue;
    const target = (postgresSchema as Record<string, unknown>)[exportName];
    if (!is(target, Table)) throw new CopyError(`table ${getTableName(value)} has no PostgreSQL twin in lib/db/schema-postgres.ts`);
    pairs.push({ name: getTableName(value), from: value as SQLiteTable, to: target as PgTable });
  }
  // Parents first by the foreign keys themselves (not by how many a table has): a table goes once every table it
  // refers to is placed. Tables without keys (the alert tables, leases, settings) keep their schema order.
  const parentsOf = (pair: (typeof pairs)[number]) =>
    postgresTableConfig(pair.to)
      .foreignKeys.map((key) => getTableName(key.reference().foreignTable))
      .filter((parent) => parent !== pair.name);
  const ordered: typeof pairs = [];
  const placed = new Set<string>();
  while (ordered.length < pairs.length) {
    const next = pairs.find((pair) => !placed.has(pair.name) && parentsOf(pair).every((parent) => placed.has(parent)));
    if (!next) throw new CopyError("the tables' foreign keys form a cycle; lib/db/copy.ts cannot order them");
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

export async function copySqliteToPostgres({ from, to }: { from: string; to: string }): Promise<TableCount[]> {
  if (!/^file:.+/.test(from)) throw new CopyError("--from must be a SQLite database: file:<path>");
  if (!/^postgres(ql)?:\/\/.+/.test(to) || !URL.canParse(to)) throw new CopyError("--to must be a PostgreSQL URL: postgres://user:password@host:5432/db");

  const sqlite = new Database(path.resolve(from.slice("file:".length)), { fileMustExist: true });
  const pool = new pg.Pool({ connectionString: to, max: 1 });
  try {
    const source = drizzleSqlite(sqlite);
    // The source is brought to the current schema, as the app would on its next start.
    migrateSqlite(source, { migrationsFolder: path.join(MIGRATIONS, "sqlite") });
    const client = await pool.connect();
    try {
      const target = drizzlePostgres(client);
      await migratePostgres(target, { migrationsFolder: path.join(MIGRATIONS, "postgres") });
      const pairs = tablePairs();
      for (const pair of pairs) {
        const [row] = await target.select({ n: count() }).from(pair.to);
        if ((row?.n ?? 0) > 0) throw new CopyError(`the target is not empty: table ${pair.name} has ${row?.n} row(s); copy into a new, empty database`);
      }

      const counts: TableCount[] = [];
      await target.transaction(async (tx) => {
        for (const pair of pairs) {
          const rows = await source.select().from(pair.from);
          for (let start = 0; start < rows.length; start += CHUNK) {
            // The two schemas share property names and value types (tests/unit/schema-parity.test.ts).
            await tx.insert(pair.to).values(rows.slice(start, start + CHUNK) as never[]);
          }
          // Generated ids continue after the copied ones.
          const identity = postgresTableConfig(pair.to).columns.find((column) => column.primary && column.generatedIdentity);
          if (identity) {
            await tx.execute(
              sql`SELECT setval(pg_get_serial_sequence(${`"${pair.name}"`}, ${identity.name}), coalesce((SELECT max(${sql.identifier(identity.name)}) FROM ${sql.identifier(pair.name)}), 0) + 1, false)`,
            );
          }
          const [copied] = await tx.select({ n: count() }).from(pair.to);
          if ((copied?.n ?? 0) !== rows.length) {
            throw new CopyError(`table ${pair.name}: ${rows.length} row(s) read but ${copied?.n ?? 0} in the target; nothing was copied`);
          }
          counts.push({ table: pair.name, rows: rows.length });
        }
      });
      return counts;
    } finally {
      client.release();
    }
  } finally {
    sqlite.close();
    await pool.end();
  }
}
