// Configuration of the fake amoCRM: defaults, the runtime-patchable schema and
// small helpers derived from it (hosts, referer, platform ids).
import { randomInt } from "node:crypto";
import { z } from "zod";
import { FAULT_TARGETS, type FaultTarget } from "./faults";
import { HTML_ERROR_STATUSES, type HtmlErrorStatus } from "./problems";

export type Platform = "amocrm.ru" | "kommo.com";

export interface FakeConfig {
  clientId: string;
  clientSecret: string;
  /** The Redirect URI "registered in the integration settings". */
  redirectUri: string;
  subdomain: string;
  platform: Platform;
  accountId: number;
  accountName: string;
  /** Shown as the consent page title (the integration's name in amoCRM). */
  integrationName: string;
  /** Id of the admin who grants access; becomes the JWT `sub` and `current_user_id`. */
  userId: number;
  scopes: string[];
  /** Consent page redirects at once as if Allow had been pressed. */
  autoAllow: boolean;
  /**
   * The consent page for an unknown or missing client_id: "errorPage", a visible 404 page (the default: e2e tests
   * read it), or "homeRedirect", a 302 to `https://www.{platform}/` as amoCRM does (docs/amocrm-contract.md §0, issue #567). There is
   * no redirect to a Redirect URI: only a known integration has one (§2.2 documents only `access_denied`).
   */
  unknownClientConsent: "errorPage" | "homeRedirect";
  /** "hint": 400 + hint for client errors; "legacy401": the older 401 "Некорректный клиент". */
  clientAuthStyle: "hint" | "legacy401";
  /**
   * OAuth and API error titles and details in English on Kommo hosts ("Invalid client", "Client authentication
   * failed", "Invalid user name or password"), Russian on amoCRM hosts, by the platform of the intended host.
   * Off: Russian everywhere, as in every captured body (docs/amocrm-contract.md §4; Kommo's English 401 detail: §4.1).
   */
  kommoEnglishErrors: boolean;
  /** docs/amocrm-contract.md §3.3 leaves this UNCONFIRMED; by default a refresh revokes the old access token. */
  oldAccessTokenValidAfterRefresh: boolean;
  /**
   * Statuses answered with an HTML page instead of problem+json, wherever the fake gives them without a body of
   * its own (faults included): 401 on /api/v4 becomes amoCRM's login page (docs/amocrm-contract.md §4.1, §9.14, OBSERVED edge
   * case); 403 (the rate-limit block) and 502/503/504 become nginx's page (§4, §11.6, OBSERVED). Default [403].
   */
  htmlErrorStatuses: HtmlErrorStatus[];
  /**
   * After each successful refresh, the first N /api/v4 calls with the NEW access token answer 401 (the API's own
   * body); later calls succeed. Not documented amoCRM behaviour: a lever for the app's rule that a 401 right after
   * a refresh must not start another refresh (docs/amocrm-contract.md §4.1 "refresh once, retry once", §9.1). Default 0.
   */
  unauthorizedAfterRefresh: number;
  /** Extra delay before every token / account / subdomain-lookup response. */
  responseDelayMs: number;
  /**
   * Refuse a request whose intended host (X-Amocrm-Account-Host) is the wrong kind for its endpoint with a 404
   * problem+json: /api/v4 only on the account host, the consent page only on www, the Bearer subdomain lookup only on
   * www, the X-Refresh-Token lookup only on the api_domain (docs/amocrm-contract.md §0, §5.1; hosts.ts SERVED_ON). Off: the api_domain
   * also serves /api/v4 and every lookup answers on www, api and account hosts. The token endpoint's host rules apply
   * either way.
   */
  strictHosts: boolean;
  /**
   * After a rename, every request to the old subdomain answers this redirect (301 or 302) with Location on the new
   * host, same path and query, instead of the 404/401 below; 0 = off. UNCONFIRMED (docs/amocrm-contract.md §9.4 knows only 404/401
   * on refresh; §9.10 found no redirect on the token endpoint); the app treats any 3xx as an error. The lookups keep
   * naming the new subdomain.
   */
  renamedHostRedirect: 0 | 301 | 302;
  /** What /api/v4/account answers on the old host after a rename (docs/amocrm-contract.md §9.4 says 404 or 401). */
  renamedHostApiStatus: 401 | 404;
  /** Meter /api/v4 calls (docs/amocrm-contract.md §4.1, §11.7); false switches the limit and the block off. */
  rateLimitEnabled: boolean;
  /**
   * Token requests share the account's budget (docs/amocrm-contract.md §4.1: UNCONFIRMED, "assume it does"; §9.8: "token calls
   * included"). Off by default: the app spaces its calls at exactly 7 per 1001 ms on its own clock, so the slower
   * first request of a burst (a token POST on a fresh connection) lands the 8th start inside one second here.
   */
  rateLimitTokenEndpoint: boolean;
  /** Calls allowed in any sliding 1-second window; the next one is a 429. */
  rateLimitPerSecond: number;
  /** `retry_after` in the 429 body and the Retry-After header (Kommo's example says 300; unknown in reality). */
  rateLimitRetryAfterSeconds: number;
  /** This many 429s within a minute block the account (HTML 403); 0 never blocks. */
  rateLimitBlockAfter: number;
  /** How long a block lasts, on the fake clock. */
  rateLimitBlockSeconds: number;
  /**
   * Extra delay before the answer of every request of a fault target, on every endpoint: `token`, `code`,
   * `refresh`, `account`, `subdomain`, `consent`, `api`, each leads target, or `any` (e.g. `{"leads_complex": 2000}`).
   * The longest matching target wins; it adds to `responseDelayMs`.
   */
  endpointDelayMs: Partial<Record<FaultTarget, number>>;
  /** Codes of the account's UTM (`tracking_data`) lead fields; [] is an account without them (§11.4). */
  leadUtmFields: UtmFieldCode[];
  /** Duplicate control (§11.1): a lead whose contact's phone or email matches an earlier lead is merged into it. */
  duplicateControl: boolean;
  /** A complex item with a string value containing one of these is refused with a 400 (a "bad data" switch). */
  refuseLeadsContaining: string[];
}

/** Tracking fields the fake knows; their ids are fixed so tests can address them by id too. */
export const UTM_FIELD_CODES = [
  "UTM_SOURCE",
  "UTM_MEDIUM",
  "UTM_CAMPAIGN",
  "UTM_CONTENT",
  "UTM_TERM",
  "UTM_REFERRER",
  "GCLID",
  "YCLID",
] as const;
export type UtmFieldCode = (typeof UTM_FIELD_CODES)[number];

const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** 64 chars of [A-Za-z0-9], the observed Client Secret format (docs/amocrm-contract.md §8). */
export function randomClientSecret(): string {
  let out = "";
  for (let i = 0; i < 64; i++) out += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)];
  return out;
}

export const DEFAULT_CONFIG: Omit<FakeConfig, "clientSecret"> = {
  clientId: "2912780f-a1e4-4d5d-a069-ee01422d8bef",
  redirectUri: "http://127.0.0.1:3101/api/amocrm/callback",
  subdomain: "acoustic",
  platform: "amocrm.ru",
  accountId: 29145784,
  accountName: "Acoustic",
  integrationName: "Acoustic website",
  userId: 6520033,
  scopes: ["crm", "files", "files_delete", "notifications", "push_notifications"],
  autoAllow: false,
  unknownClientConsent: "errorPage",
  clientAuthStyle: "hint",
  kommoEnglishErrors: false,
  oldAccessTokenValidAfterRefresh: false,
  htmlErrorStatuses: [403],
  unauthorizedAfterRefresh: 0,
  responseDelayMs: 0,
  strictHosts: false,
  renamedHostRedirect: 0,
  renamedHostApiStatus: 401,
  rateLimitEnabled: true,
  rateLimitTokenEndpoint: false,
  rateLimitPerSecond: 7,
  rateLimitRetryAfterSeconds: 1,
  rateLimitBlockAfter: 10,
  rateLimitBlockSeconds: 900,
  endpointDelayMs: {},
  leadUtmFields: ["UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM", "UTM_REFERRER"],
  duplicateControl: false,
  refuseLeadsContaining: [],
};

export const subdomainSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i, "a single DNS label")
  .transform((s) => s.toLowerCase());

/** Every field that POST /__control/config (and reset) may change. Unknown keys are rejected so typos fail loudly. */
export const configPatchSchema = z.strictObject({
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  redirectUri: z.string().min(1).optional(),
  subdomain: subdomainSchema.optional(),
  platform: z.enum(["amocrm.ru", "kommo.com"]).optional(),
  accountId: z.number().int().positive().optional(),
  accountName: z.string().min(1).optional(),
  integrationName: z.string().min(1).optional(),
  userId: z.number().int().positive().optional(),
  scopes: z.array(z.string()).optional(),
  autoAllow: z.boolean().optional(),
  unknownClientConsent: z.enum(["errorPage", "homeRedirect"]).optional(),
  clientAuthStyle: z.enum(["hint", "legacy401"]).optional(),
  kommoEnglishErrors: z.boolean().optional(),
  oldAccessTokenValidAfterRefresh: z.boolean().optional(),
  htmlErrorStatuses: z.array(z.union(HTML_ERROR_STATUSES.map((s) => z.literal(s)))).optional(),
  unauthorizedAfterRefresh: z.number().int().min(0).optional(),
  responseDelayMs: z.number().int().min(0).optional(),
  strictHosts: z.boolean().optional(),
  renamedHostRedirect: z.union([z.literal(0), z.literal(301), z.literal(302)]).optional(),
  renamedHostApiStatus: z.union([z.literal(401), z.literal(404)]).optional(),
  rateLimitEnabled: z.boolean().optional(),
  rateLimitTokenEndpoint: z.boolean().optional(),
  rateLimitPerSecond: z.number().int().min(1).optional(),
  rateLimitRetryAfterSeconds: z.number().int().min(0).optional(),
  rateLimitBlockAfter: z.number().int().min(0).optional(),
  rateLimitBlockSeconds: z.number().min(0).optional(),
  endpointDelayMs: z.partialRecord(z.enum(FAULT_TARGETS), z.number().int().min(0)).optional(),
  leadUtmFields: z.array(z.enum(UTM_FIELD_CODES)).optional(),
  duplicateControl: z.boolean().optional(),
  refuseLeadsContaining: z.array(z.string().min(1)).optional(),
});
export type ConfigPatch = z.input<typeof configPatchSchema>;

export function applyConfigPatch(config: FakeConfig, patch: ConfigPatch | undefined): FakeConfig {
  const parsed = configPatchSchema.parse(patch ?? {});
  const next: FakeConfig = { ...config };
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
  }
  return next;
}

/** `acoustic.amocrm.ru`: the `referer` value and the account host. */
export function accountHost(config: Pick<FakeConfig, "subdomain" | "platform">): string {
  return `${config.subdomain}.${config.platform}`;
}

/** The `platform` callback param: 1 is observed on amocrm.ru; 2 for Kommo is a guess (docs/amocrm-contract.md §2.1). */
export function platformNumber(platform: Platform): 1 | 2 {
  return platform === "amocrm.ru" ? 1 : 2;
}

/** JWT `api_domain` claim (docs/amocrm-contract.md §0). */
export function apiDomain(platform: Platform): string {
  return platform === "amocrm.ru" ? "api-b.amocrm.ru" : "api-c.kommo.com";
}

export function topLevelDomain(platform: Platform): string {
  return platform === "amocrm.ru" ? "ru" : "com";
}
