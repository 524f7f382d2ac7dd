import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLeadInput } from "@/lib/leads/input";
import { normalizePhone } from "@/lib/leads/phone";
import { backoffCeilingMs, MAX_ATTEMPTS, retryDelayMs, RETRY_CAP_MS } from "@/lib/leads/retry-policy";

describe("normalizePhone", () => {
  it.each([
    ["+998 90 123-45-67", "UZ", "+998901234567"],
    ["90 123 45 67", "UZ", "+998901234567"],
    ["(90) 123-45-67", "UZ", "+998901234567"],
    ["8 90 123 45 67", "UZ", "+998901234567"],
    ["998901234567", "UZ", "+998901234567"],
    ["00998901234567", "UZ", "+998901234567"],
    ["+7 (912) 345-67-89", "UZ", "+79123456789"],
    ["8 912 345 67 89", "RU", "+79123456789"],
    ["912 345 67 89", "RU", "+79123456789"],
    ["+1 415.555.2671", "UZ", "+14155552671"],
  ] as const)("%s with default %s is %s", (input, country, expected) => {
    expect(normalizePhone(input, country)).toBe(expected);
  });

  it.each([["12345"], ["call me"], ["+998 90 123 45 67 ext 5"], ["+0 123 456 789"], ["1234567890123456789"], ["90 123 45 6"], [""]])(
    "refuses %j",
    (input) => {
      expect(normalizePhone(input, "UZ")).toBeNull();
    },
  );

  it("always gives + and digits, or nothing", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (input) => {
        const phone = normalizePhone(input, "UZ");
        expect(phone === null || /^\+[1-9]\d{6,14}$/.test(phone)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("parseLeadInput", () => {
  const valid = {
    name: "  Ali Valiyev ",
    phone: "+998 90 123-45-67",
    email: "Ali@Example.uz",
    message: "Eshitish apparati haqida maslahat kerak",
    source: "contact-form",
    pageUrl: "https://acoustic.uz/contact",
    utm: { source: "instagram", medium: "cpc", campaign: "winter", content: null, term: null },
  };

  it("normalizes a full body", () => {
    const parsed = parseLeadInput(valid, { defaultCountry: "UZ" });
    expect(parsed).toEqual({
      ok: true,
      lead: {
        name: "Ali Valiyev",
        phone: "+998901234567",
        email: "ali@example.uz",
        message: valid.message,
        source: "contact-form",
        pageUrl: "https://acoustic.uz/contact",
        utm: { source: "instagram", medium: "cpc", campaign: "winter", content: null, term: null },
      },
    });
  });

  it("needs a name and a phone or an email", () => {
    expect(parseLeadInput({ name: "A", email: "a@b.uz" }, { defaultCountry: "UZ" }).ok).toBe(true);
    expect(parseLeadInput({ name: "A", phone: "901234567" }, { defaultCountry: "UZ" }).ok).toBe(true);
    expect(parseLeadInput({ name: "A" }, { defaultCountry: "UZ" })).toEqual({ ok: false, fields: [{ path: "phone", problem: "contact_required" }] });
    expect(parseLeadInput({ name: "   ", email: "a@b.uz" }, { defaultCountry: "UZ" })).toEqual({ ok: false, fields: [{ path: "name", problem: "required" }] });
    expect(parseLeadInput({ email: "a@b.uz" }, { defaultCountry: "UZ" })).toEqual({ ok: false, fields: [{ path: "name", problem: "required" }] });
  });

  it("names every bad field, with limits", () => {
    const parsed = parseLeadInput(
      { name: "x".repeat(201), phone: "abc", email: "not-an-email", message: "m".repeat(5001), pageUrl: "javascript:alert(1)", colour: "red", utm: { source: 5, fbclid: "x" } },
      { defaultCountry: "UZ" },
    );
    expect(parsed.ok).toBe(false);
    const fields = parsed.ok ? [] : parsed.fields;
    expect(fields).toEqual(
      expect.arrayContaining([
        { path: "name", problem: "too_long", values: { max: 200 } },
        { path: "email", problem: "email_invalid" },
        { path: "message", problem: "too_long", values: { max: 5000 } },
        { path: "pageUrl", problem: "url_invalid" },
        { path: "colour", problem: "unknown_field" },
        { path: "utm.source", problem: "not_text" },
        { path: "utm.fbclid", problem: "unknown_field" },
      ]),
    );
  });

  it("refuses a body that is not an object, and never throws on any JSON value", () => {
    for (const body of [null, [], "text", 5, true]) {
      expect(parseLeadInput(body, { defaultCountry: "UZ" })).toEqual({ ok: false, fields: [{ path: "", problem: "not_object" }] });
    }
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        const parsed = parseLeadInput(body, { defaultCountry: "UZ" });
        expect(typeof parsed.ok).toBe("boolean");
      }),
      { numRuns: 1000 },
    );
  });
});

describe("retry policy", () => {
  it("doubles from 2 s up to 15 minutes, with the whole range jittered", () => {
    expect([1, 2, 3, 4].map(backoffCeilingMs)).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(backoffCeilingMs(MAX_ATTEMPTS)).toBe(RETRY_CAP_MS);
    expect(backoffCeilingMs(50)).toBe(RETRY_CAP_MS);
    expect(retryDelayMs(3, { random: () => 0 })).toBe(0);
    expect(retryDelayMs(3, { random: () => 0.999999 })).toBe(7_999);
    expect(retryDelayMs(1, { random: () => 0, retryAfterSeconds: 30 })).toBe(30_000);
  });
});
