import fs from "node:fs";
import { describe, expect, it } from "vitest";

// The HTTP answer for /robots.txt (200, text/plain, through the proxy without a session) is checked in
// tests/e2e/robots.spec.ts; this pins the file's content.
describe("public/robots.txt", () => {
  it("keeps every crawler out of the whole dashboard", () => {
    const lines = fs.readFileSync("public/robots.txt", "utf8").split("\n").map((line) => line.trim()).filter(Boolean);
    expect(lines).toEqual(["User-agent: *", "Disallow: /"]);
  });
});
