/**
 * Phone numbers of website leads, normalized to `+` and digits so that one number is always the same string in
 * amoCRM (its duplicate control compares strings; docs/amocrm-contract.md §11.1). Pure: no I/O.
 */

interface CountryPlan {
  /** The international calling code, digits only. */
  code: string;
  /** Length of the national number without the trunk prefix. */
  nationalLength: number;
  /** The digit dialled before a national number inside the country, if any ("8" in the former USSR). */
  trunkPrefix?: string;
}

/** The countries LEADS_DEFAULT_COUNTRY may name: Uzbekistan and its neighbours first, then a few common others. */
export const COUNTRY_PLANS = {
  UZ: { code: "998", nationalLength: 9, trunkPrefix: "8" },
  KZ: { code: "7", nationalLength: 10, trunkPrefix: "8" },
  RU: { code: "7", nationalLength: 10, trunkPrefix: "8" },
  KG: { code: "996", nationalLength: 9, trunkPrefix: "0" },
  TJ: { code: "992", nationalLength: 9, trunkPrefix: "8" },
  TM: { code: "993", nationalLength: 8, trunkPrefix: "8" },
  AZ: { code: "994", nationalLength: 9, trunkPrefix: "0" },
  TR: { code: "90", nationalLength: 10, trunkPrefix: "0" },
  AE: { code: "971", nationalLength: 9, trunkPrefix: "0" },
  DE: { code: "49", nationalLength: 11, trunkPrefix: "0" },
  GB: { code: "44", nationalLength: 10, trunkPrefix: "0" },
  US: { code: "1", nationalLength: 10, trunkPrefix: "1" },
} as const satisfies Record<string, CountryPlan>;

export type CountryCode = keyof typeof COUNTRY_PLANS;

export function isCountryCode(value: string): value is CountryCode {
  return Object.hasOwn(COUNTRY_PLANS, value);
}

// E.164: at most 15 digits with the country code; fewer than 7 is no real number anywhere.
const MIN_DIGITS = 7;
const MAX_DIGITS = 15;
// What people type around the digits: spaces, dashes, dots, brackets, and one leading plus.
const ALLOWED = /^\+?[\d\s\-().\u00a0]+$/;

/**
 * `+998901234567` from what a visitor typed, or null when it is not a phone number. A number without a country code
 * gets the default country's code when it has that country's national length (after dropping a trunk prefix).
 */
export function normalizePhone(input: string, defaultCountry: CountryCode): string | null {
  const text = input.trim();
  if (!ALLOWED.test(text)) return null;
  let digits = text.replace(/\D/g, "");
  const international = text.startsWith("+") || digits.startsWith("00");
  if (!text.startsWith("+") && digits.startsWith("00")) digits = digits.slice(2);
  if (international) return withinE164(digits);

  const plan: CountryPlan = COUNTRY_PLANS[defaultCountry];
  if (digits.length === plan.nationalLength) return withinE164(plan.code + digits);
  if (plan.trunkPrefix && digits.length === plan.nationalLength + 1 && digits.startsWith(plan.trunkPrefix)) {
    return withinE164(plan.code + digits.slice(1));
  }
  // Written with the country code but without the plus: 998 90 123 45 67.
  if (digits.length === plan.code.length + plan.nationalLength && digits.startsWith(plan.code)) return withinE164(digits);
  return null;
}

function withinE164(digits: string): string | null {
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS || digits.startsWith("0")) return null;
  return `+${digits}`;
}
