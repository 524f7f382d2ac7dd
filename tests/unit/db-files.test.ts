// The database's files are private to the server's user (issue 14 item 12): the data folder 0700, the database and
// its -wal and -shm files 0600, for a new database and for one created before this rule with looser modes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

async function openThroughApp(databasePath: string): Promise<void> {
  vi.resetModules();
  delete (globalThis as { amocrmConnectDb?: unknown }).amocrmConnectDb;
  setupTempEnv({ DATABASE_URL: `file:${databasePath}` });
  const { getSqlite } = await import("@/lib/db/client");
  // A write, so the -wal and -shm files exist.
  getSqlite().exec("CREATE TABLE IF NOT EXISTS probe (x); INSERT INTO probe VALUES (1);");
}

afterEach(() => {
  (globalThis as { amocrmConnectDb?: { sqlite: Database.Database } }).amocrmConnectDb?.sqlite.close();
  delete (globalThis as { amocrmConnectDb?: unknown }).amocrmConnectDb;
});

describe("database file modes", () => {
  it("creates the data folder 0700 and the database, -wal and -shm 0600", async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "db-files-")), "data");
    const databasePath = path.join(dataDir, "app.db");
    await openThroughApp(databasePath);
    expect(modeOf(dataDir)).toBe(0o700);
    for (const file of [databasePath, `${databasePath}-wal`, `${databasePath}-shm`]) expect([file, modeOf(file)]).toEqual([file, 0o600]);
  });

  it("tightens a folder and files that already exist with looser modes", async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "db-files-")), "data");
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const databasePath = path.join(dataDir, "app.db");
    const old = new Database(databasePath);
    old.pragma("journal_mode = WAL");
    old.exec("CREATE TABLE probe (x); INSERT INTO probe VALUES (1);");
    for (const file of [databasePath, `${databasePath}-wal`, `${databasePath}-shm`]) fs.chmodSync(file, 0o644);
    old.close();
    fs.writeFileSync(`${databasePath}-wal`, "");
    fs.chmodSync(`${databasePath}-wal`, 0o644);

    await openThroughApp(databasePath);
    expect(modeOf(dataDir)).toBe(0o700);
    for (const file of [databasePath, `${databasePath}-wal`, `${databasePath}-shm`]) expect([file, modeOf(file)]).toEqual([file, 0o600]);
  });
});
