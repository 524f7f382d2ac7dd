import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Dates, times and numbers on pages go through next-intl (getFormatter/useFormatter, ICU {n, number}), which applies
 * the chosen language and APP_TIME_ZONE. Calling the platform's formatting directly uses the server's or the
 * browser's language and zone instead, and filling "{name}" placeholders by hand skips ICU (plurals, grouping,
 * word order). This guard fails on either anywhere in app/ or components/.
 */

const ROOTS = ["app", "components"];
const SOURCE = /\.(ts|tsx|js|jsx|mjs)$/;

const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  { pattern: /\.toLocale(?:Date|Time)?String\s*\(/, why: "formats with the runtime's language and zone" },
  { pattern: /\bIntl\s*\.\s*(?:DateTimeFormat|NumberFormat|RelativeTimeFormat)\b/, why: "bypasses next-intl's language and APP_TIME_ZONE" },
  { pattern: /\.replace(?:All)?\(\s*["'`]\{\w+\}/, why: "fills a message placeholder by hand instead of t(key, values)" },
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return SOURCE.test(entry.name) ? [full] : [];
  });
}

function violations(text: string): string[] {
  return text.split("\n").flatMap((line, index) =>
    FORBIDDEN.filter(({ pattern }) => pattern.test(line)).map(({ why }) => `line ${index + 1}: ${why}: ${line.trim()}`),
  );
}

describe("formatting goes through next-intl", () => {
  it("recognizes each forbidden call (so the guard below can fail)", () => {
    for (const sample of [
      "new Date(value).toLocaleString()",
      "date.toLocaleDateString('ru')",
      "date.toLocaleTimeString()",
      "new Intl.DateTimeFormat('en', { timeZone })",
      "Intl.NumberFormat(locale).format(n)",
      "new Intl.RelativeTimeFormat('uz')",
      'text.testOk.replace("{ms}", String(ms))',
    ]) {
      expect(violations(sample), sample).toHaveLength(1);
    }
    expect(violations('value.replace(/\\/+$/, "")')).toEqual([]);
    expect(violations('format.dateTime(date, "moment")')).toEqual([]);
  });

  it("app/ and components/ never format dates, times or numbers, nor fill placeholders, by hand", () => {
    const files = ROOTS.flatMap((root) => sourceFiles(path.resolve(root)));
    expect(files.length).toBeGreaterThan(20);
    const found = files.flatMap((file) => violations(fs.readFileSync(file, "utf8")).map((problem) => `${path.relative(process.cwd(), file)} ${problem}`));
    expect(found).toEqual([]);
  });
});

describe("the API keys page", () => {
  it("shows each key's created, last-used and revoked times through format.dateTime with the named format moment", () => {
    const page = fs.readFileSync(path.resolve("app/(admin)/settings/api-keys/page.tsx"), "utf8");
    expect(page).toContain("getFormatter()");
    for (const field of ["createdAt", "lastUsedAt", "revokedAt"]) {
      expect(page, field).toContain(`format.dateTime(key.${field}, "moment")`);
    }
    expect(violations(page)).toEqual([]);
  });
});
