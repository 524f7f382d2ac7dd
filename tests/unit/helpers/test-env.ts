import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Points the app's env at a fresh temporary database before any app module is imported. Call it at the top of a
 * test file (module evaluation order), then import app modules dynamically.
 */
export function setupTempEnv(overrides: Record<string, string> = {}): { dir: string; databasePath: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amocrm-connect-unit-"));
  const databasePath = path.join(dir, "app.db");
  Object.assign(process.env, {
    NODE_ENV: "test",
    APP_URL: "http://127.0.0.1:3999",
    DATABASE_URL: `file:${databasePath}`,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    AUTH_SECRET: randomBytes(32).toString("base64"),
    ...overrides,
  });
  return { dir, databasePath };
}
