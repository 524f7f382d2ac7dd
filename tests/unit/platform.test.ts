import { describe, expect, it } from "vitest";
import { normalizeAccountAddress, validateReferer } from "@/lib/amocrm/platform";

describe("normalizeAccountAddress", () => {
  const ok: Array<[string, "amocrm.ru" | "kommo.com", string]> = [
    ["acoustic", "amocrm.ru", "acoustic.amocrm.ru"],
    ["acoustic", "kommo.com", "acoustic.kommo.com"],
    ["acoustic.amocrm.ru", "amocrm.ru", "acoustic.amocrm.ru"],
    ["  acoustic.amocrm.ru  ", "amocrm.ru", "acoustic.amocrm.ru"],
    ["ACOUSTIC.AmoCRM.ru", "amocrm.ru", "acoustic.amocrm.ru"],
    ["https://acoustic.amocrm.ru", "amocrm.ru", "acoustic.amocrm.ru"],
    ["https://acoustic.amocrm.ru/", "amocrm.ru", "acoustic.amocrm.ru"],
    ["https://acoustic.amocrm.ru/leads/pipeline/1", "amocrm.ru", "acoustic.amocrm.ru"],
    ["https://acoustic.amocrm.ru/leads/pipeline/1?skip_filter=Y#x", "amocrm.ru", "acoustic.amocrm.ru"],
    ["http://acoustic.amocrm.ru", "amocrm.ru", "acoustic.amocrm.ru"],
    ["https://https://acoustic.amocrm.ru", "amocrm.ru", "acoustic.amocrm.ru"],
    ["//acoustic.amocrm.ru/settings", "amocrm.ru", "acoustic.amocrm.ru"],
    ["acoustic.amocrm.ru.", "amocrm.ru", "acoustic.amocrm.ru"],
    ["acoustic.amocrm.ru:443", "amocrm.ru", "acoustic.amocrm.ru"],
    ["acoustic.kommo.com/leads", "kommo.com", "acoustic.kommo.com"],
    // Former amocrm.com accounts are Kommo accounts at {subdomain}.kommo.com (docs/amocrm-contract.md §0).
    ["old-account.amocrm.com", "kommo.com", "old-account.kommo.com"],
    ["https://Old-Account.amoCRM.com/leads/1", "kommo.com", "old-account.kommo.com"],
    ["my-company-2", "amocrm.ru", "my-company-2.amocrm.ru"],
    ["ａｃｏｕｓｔｉｃ", "amocrm.ru", "acoustic.amocrm.ru"], // full-width letters fold to ASCII (NFKC)
  ];
  it.each(ok)("%s on %s → %s", (input, platform, host) => {
    expect(normalizeAccountAddress(input, platform)).toEqual({ ok: true, host, subdomain: host.split(".")[0] });
  });

  const refused: Array<[string, "amocrm.ru" | "kommo.com", "empty" | "invalid" | "other_platform"]> = [
    ["", "amocrm.ru", "empty"],
    ["   ", "amocrm.ru", "empty"],
    ["acoustic.kommo.com", "amocrm.ru", "other_platform"],
    ["acoustic.amocrm.ru", "kommo.com", "other_platform"],
    ["old-account.amocrm.com", "amocrm.ru", "other_platform"],
    ["www.amocrm.ru", "amocrm.ru", "invalid"],
    ["www", "amocrm.ru", "invalid"],
    ["a.b.amocrm.ru", "amocrm.ru", "invalid"],
    ["acoustic.amocrm.ru.evil.example", "amocrm.ru", "invalid"],
    ["evil.example", "amocrm.ru", "invalid"],
    ["user@acoustic.amocrm.ru", "amocrm.ru", "invalid"],
    ["acoustic.amocrm.ru@evil.example", "amocrm.ru", "invalid"],
    ["acоustic.amocrm.ru", "amocrm.ru", "invalid"], // Cyrillic "о": a lookalike, not the account
    ["аcoustic", "amocrm.ru", "invalid"], // Cyrillic "а"
    ["-acoustic", "amocrm.ru", "invalid"],
    ["acoustic-", "amocrm.ru", "invalid"],
    ["acou stic", "amocrm.ru", "invalid"],
    ["amocrm.ru", "amocrm.ru", "invalid"],
    ["x".repeat(64), "amocrm.ru", "invalid"],
    ["javascript:alert(1)", "amocrm.ru", "invalid"],
  ];
  it.each(refused)("refuses %j on %s (%s)", (input, platform, reason) => {
    expect(normalizeAccountAddress(input, platform)).toEqual({ ok: false, reason });
  });
});

describe("validateReferer", () => {
  it.each([
    ["acoustic.amocrm.ru", "amocrm.ru"],
    ["acoustic.kommo.com", "kommo.com"],
    ["legacy.amocrm.com", "kommo.com"],
    ["Acoustic.AMOCRM.ru", "amocrm.ru"],
  ])("accepts %s as %s", (referer, platform) => {
    expect(validateReferer(referer)?.platform).toBe(platform);
  });

  it("reads a legacy amocrm.com referer as the account's kommo.com host", () => {
    expect(validateReferer("legacy.amocrm.com")).toEqual({ host: "legacy.kommo.com", subdomain: "legacy", platform: "kommo.com" });
    expect(validateReferer("Legacy.AmoCRM.com")?.host).toBe("legacy.kommo.com");
  });

  it.each([
    "evil.example",
    "x.amocrm.ru.evil.example",
    "x.amocrm.ru@evil.example",
    "evil.example#.amocrm.ru",
    "evil.example/.amocrm.ru",
    "https://x.amocrm.ru",
    "x.amocrm.ru:8080",
    "www.amocrm.ru",
    "a.b.amocrm.ru",
    "amocrm.ru",
    ".amocrm.ru",
    "x.amocrm.ru.",
    "x .amocrm.ru",
    "xn--80ak6aa92e.amocrm.ru.evil",
    "",
  ])("refuses %j", (referer) => {
    expect(validateReferer(referer)).toBeNull();
  });
});
