import { z } from "zod";
import { normalizePhone, type CountryCode } from "./phone";

/**
 * The body of `POST /api/v1/leads` (interfaces.md, "Website leads"), checked and normalized. Pure: no I/O. Problems
 * come back as message keys per field (messages/<locale>/leads.json `api.fields`), so the route answers them in the
 * request's language.
 */

export const LEAD_LIMITS = {
  name: 200,
  email: 320,
  message: 5_000,
  source: 100,
  pageUrl: 2_000,
  utm: 200,
} as const;

export const UTM_KEYS = ["source", "medium", "campaign", "content", "term"] as const;
export type UtmKey = (typeof UTM_KEYS)[number];

export type LeadFieldProblem =
  | "required"
  | "too_long"
  | "not_text"
  | "phone_invalid"
  | "email_invalid"
  | "url_invalid"
  | "contact_required"
  | "unknown_field"
  | "not_object"
  | "not_json"
  | "idempotency_key_invalid";

export interface LeadFieldError {
  /** Dot path into the body, e.g. `phone` or `utm.source`; empty for the body itself. */
  path: string;
  problem: LeadFieldProblem;
  /** Values for the message, e.g. the maximum length. */
  values?: Record<string, number>;
}

export interface LeadInput {
  name: string;
  phone: string | null;
  email: string | null;
  message: string | null;
  source: string | null;
  pageUrl: string | null;
  utm: Record<UtmKey, string | null>;
}

export type ParsedLead = { ok: true; lead: LeadInput } | { ok: false; fields: LeadFieldError[] };

const optionalText = (max: number) =>
  z
    .string({ error: "not_text" })
    .trim()
    .max(max, { error: "too_long" })
    .nullish()
    .transform((value) => (value ? value : null));

const utmSchema = z.strictObject(
  Object.fromEntries(UTM_KEYS.map((key) => [key, optionalText(LEAD_LIMITS.utm)])) as Record<UtmKey, ReturnType<typeof optionalText>>,
  { error: "not_object" },
);

const bodySchema = z.strictObject(
  {
    name: z
      .string({ error: (issue) => (issue.input === undefined || issue.input === null ? "required" : "not_text") })
      .trim()
      .min(1, { error: "required" })
      .max(LEAD_LIMITS.name, { error: "too_long" }),
    phone: optionalText(64),
    email: z
      .string({ error: "not_text" })
      .trim()
      .max(LEAD_LIMITS.email, { error: "too_long" })
      .nullish()
      .transform((value) => (value ? value.toLowerCase() : null))
      .refine((value) => value === null || z.email().safeParse(value).success, { error: "email_invalid" }),
    message: optionalText(LEAD_LIMITS.message),
    source: optionalText(LEAD_LIMITS.source),
    pageUrl: optionalText(LEAD_LIMITS.pageUrl).refine((value) => value === null || isWebUrl(value), { error: "url_invalid" }),
    utm: utmSchema.nullish(),
  },
  { error: "not_object" },
);

const MAX_FOR: Partial<Record<string, number>> = {
  name: LEAD_LIMITS.name,
  email: LEAD_LIMITS.email,
  message: LEAD_LIMITS.message,
  source: LEAD_LIMITS.source,
  pageUrl: LEAD_LIMITS.pageUrl,
  phone: 64,
};

export function parseLeadInput(body: unknown, { defaultCountry }: { defaultCountry: CountryCode }): ParsedLead {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, fields: toFieldErrors(parsed.error) };
  const data = parsed.data;
  const fields: LeadFieldError[] = [];
  const phone = data.phone === null ? null : normalizePhone(data.phone, defaultCountry);
  if (data.phone !== null && phone === null) fields.push({ path: "phone", problem: "phone_invalid" });
  if (data.phone === null && data.email === null) fields.push({ path: "phone", problem: "contact_required" });
  if (fields.length > 0) return { ok: false, fields };
  const utm = Object.fromEntries(UTM_KEYS.map((key) => [key, data.utm?.[key] ?? null])) as Record<UtmKey, string | null>;
  return {
    ok: true,
    lead: { name: data.name, phone, email: data.email, message: data.message, source: data.source, pageUrl: data.pageUrl, utm },
  };
}

function toFieldErrors(error: z.ZodError): LeadFieldError[] {
  const fields: LeadFieldError[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) fields.push({ path: base ? `${base}.${key}` : key, problem: "unknown_field" });
      continue;
    }
    const problem = isProblem(issue.message) ? issue.message : "not_text";
    const max = MAX_FOR[base] ?? (base.startsWith("utm.") ? LEAD_LIMITS.utm : undefined);
    fields.push(problem === "too_long" && max ? { path: base, problem, values: { max } } : { path: base, problem });
  }
  return fields;
}

const PROBLEMS: ReadonlySet<string> = new Set<LeadFieldProblem>([
  "required",
  "too_long",
  "not_text",
  "phone_invalid",
  "email_invalid",
  "url_invalid",
  "contact_required",
  "unknown_field",
  "not_object",
  "not_json",
  "idempotency_key_invalid",
]);

function isProblem(message: string): message is LeadFieldProblem {
  return PROBLEMS.has(message);
}

function isWebUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === "https:" || protocol === "http:";
}
