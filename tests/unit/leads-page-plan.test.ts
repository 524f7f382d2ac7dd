import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

// /leads at 100,000 leads: every page, the first or the two-thousandth, filtered or not, is one range read on an
// index in the order asked for. Proven with SQLite's query plan rather than a timing, so a slow machine cannot make it
// pass or fail.

setupTempEnv();
const { getSqlite } = await import("@/lib/db/client");
const { leadsPageQuery, listLeadsPage } = await import("@/lib/db/leads");
const { LEAD_STATUSES } = await import("@/lib/leads/delivery-outcome");

const ROWS = 100_000;
const START = Date.parse("2026-01-01T00:00:00Z");

beforeAll(() => {
  const sqlite = getSqlite();
  const insert = sqlite.prepare(
    "INSERT INTO leads (id, source, status, attempts, next_attempt_at, created_at, updated_at) VALUES (?, 'contact-form', ?, 0, ?, ?, ?)",
  );
  sqlite.transaction(() => {
    for (let index = 0; index < ROWS; index += 1) {
      // Four leads share each millisecond, so the id has to break ties.
      const at = START + Math.floor(index / 4) * 1000;
      insert.run(randomUUID(), LEAD_STATUSES[index % LEAD_STATUSES.length], at, at, at);
    }
  })();
}, 60_000);

function plan(query: ReturnType<typeof leadsPageQuery>): string[] {
  const { sql, params } = query.toSQL();
  return getSqlite()
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...(params as unknown[]))
    .map((row) => (row as { detail: string }).detail);
}

const middle = { createdAt: new Date(START + (ROWS / 8) * 1000), id: "80000000-0000-4000-8000-000000000000" };
const cases = [
  { name: "the first page", query: { limit: 51 }, index: "leads_created_idx" },
  { name: "the first page of one status", query: { status: "dead" as const, limit: 51 }, index: "leads_status_created_idx" },
  { name: "a page deep in the list", query: { after: middle, limit: 51 }, index: "leads_created_idx", range: true },
  { name: "a page deep in one status", query: { status: "sent" as const, after: middle, limit: 51 }, index: "leads_status_created_idx", range: true },
];

describe.each([
  { statistics: "without statistics (as the app runs)", analyze: false },
  { statistics: "after ANALYZE", analyze: true },
])("the plan of a /leads page at 100,000 leads, $statistics", ({ analyze }) => {
  beforeAll(() => {
    if (analyze) getSqlite().exec("ANALYZE");
  });

  it.each(cases)("$name reads one index range in order: no table scan, no sort", ({ query, index, range }) => {
    const steps = plan(leadsPageQuery(query));
    expect(steps.join(" | ")).toContain(`USING INDEX ${index}`);
    // A bare "SCAN leads" reads every row; a temporary B-tree sorts them; a MULTI-INDEX OR merges two reads.
    expect(steps.filter((step) => /^SCAN leads$/.test(step) || /TEMP B-TREE/.test(step) || /MULTI-INDEX OR/.test(step))).toEqual([]);
    expect(steps).toHaveLength(1);
    // Past the first page the cursor starts the read where the last page ended, rather than walking newer rows.
    if (range) expect(steps[0]).toMatch(/^SEARCH leads USING INDEX \w+ \((?:status=\? AND )?\(created_at,id\)<\(\?,\?\)\)$/);
  });
});

describe("keyset paging", () => {
  it("walks one status from newest to oldest without a gap or a repeat, ties on the time broken by id", async () => {
    const seen = new Set<string>();
    let after: { createdAt: Date; id: string } | undefined;
    let previous: { at: number; id: string } | null = null;
    for (;;) {
      const page = await listLeadsPage({ status: "held", after, limit: 997 });
      if (page.length === 0) break;
      for (const lead of page) {
        expect(lead.status).toBe("held");
        expect(seen.has(lead.id)).toBe(false);
        seen.add(lead.id);
        const at = lead.createdAt.getTime();
        if (previous) expect(at < previous.at || (at === previous.at && lead.id < previous.id)).toBe(true);
        previous = { at, id: lead.id };
      }
      const last = page.at(-1)!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    expect(seen.size).toBe(ROWS / LEAD_STATUSES.length);
  });
});
