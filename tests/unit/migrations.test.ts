// The SQLite migrations moved to drizzle/sqlite/ unchanged: drizzle's migrator identifies an applied migration by
// its journal time and the SHA-256 of its file, so a database made before the move must see the very same values
// (these are what main's `npm run db:migrate` recorded in __drizzle_migrations before the move).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const FOLDER = path.resolve(__dirname, "../../drizzle/sqlite");

const RECORDED_BEFORE_THE_MOVE = [
  { created_at: 1795776538302, hash: "83a86d2bca92658b0a4c2088270c8dc4b5f1d31cc07f4ad33d5fc99881716cdc" },
  { created_at: 1796210879747, hash: "ec54e1e7ba42aca3ab5c00b114abbf3d75e35f565bfc3c354884fc73a87aa50b" },
  { created_at: 1796211821182, hash: "1f04ff899c74846bbd4d87c34fc37dd67838c785dde465ce98b7c4e3d99a1be6" },
  { created_at: 1796213248347, hash: "a54042abe9d50d6acc2426694a58647aeae9d4093a601cdc32fccef0670e792a" },
  { created_at: 1796224982781, hash: "1f0bb3cf92f79226b7d7e1ded07152ff86f99721a4c379b5e3b4045d316a0afe" },
];

// Added after the move: pinned the same way, so an edited migration is caught before a database records it.
const ADDED_SINCE = [
  // 0005_shared_throttles: the amoCRM call window and the per-key lead buckets shared across servers.
  { created_at: 1796235891259, hash: "70b31e2a7f21545cbe4543e7ad2033dc26246de854320783feb704d635832fe7" },
];

describe("SQLite migrations", () => {
  it("keep the hashes and times existing databases recorded", () => {
    const journal = JSON.parse(fs.readFileSync(path.join(FOLDER, "meta/_journal.json"), "utf8")) as { entries: Array<{ tag: string; when: number }> };
    const current = journal.entries.map((entry) => ({
      created_at: entry.when,
      hash: createHash("sha256").update(fs.readFileSync(path.join(FOLDER, `${entry.tag}.sql`), "utf8")).digest("hex"),
    }));
    expect(current.slice(0, RECORDED_BEFORE_THE_MOVE.length)).toEqual(RECORDED_BEFORE_THE_MOVE);
    expect(current.slice(RECORDED_BEFORE_THE_MOVE.length, RECORDED_BEFORE_THE_MOVE.length + ADDED_SINCE.length)).toEqual(ADDED_SINCE);
  });
});
