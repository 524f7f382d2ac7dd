// Test controls: one in-process API (FakeControls) and its HTTP face under /__control/.
import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import {
  accountHost,
  applyConfigPatch,
  configPatchSchema,
  subdomainSchema,
  type ConfigPatch,
  type FakeConfig,
} from "./config";
import { issueCode, type IssuedCode } from "./consent";
import { faultSchema, type FaultInput, type FaultTarget } from "./faults";
import { readBody, sendJson, sendProblem } from "./http";
import { notFound } from "./problems";
import type { LeadsSnapshot } from "./leads-store";
import type { RateLimitSnapshot } from "./ratelimit";
import type { CallCounters, FakeState, RequestLogEntry } from "./state";
import type { TokenIssuer } from "./tokens";

export type PublicConfig = Omit<FakeConfig, "clientSecret">;

export interface FakeStateSnapshot {
  config: PublicConfig;
  /** Fake-clock ms. */
  clock: number;
  clockOffsetMs: number;
  formerSubdomains: string[];
  calls: CallCounters;
  issued: { codes: string[]; accessTokens: string[]; refreshTokens: string[]; clientSecret: string };
  faults: Array<{ target: FaultTarget; remaining: number; status?: number }>;
  requests: RequestLogEntry[];
  rateLimit: RateLimitSnapshot;
  /** How many of each the leads API created (the records themselves: GET /__control/leads). */
  leadCounts: { leads: number; contacts: number; companies: number; notes: number };
}

export interface DisconnectHookInput {
  url: string;
  /** Send this signature instead of the correct one. */
  signature?: string;
  /** Send this client_uuid instead of the configured client id (signature still uses the real one). */
  clientUuid?: string;
  accountId?: number;
}

export interface DisconnectHookResult {
  /** The hook's HTTP status; 0 when it could not be reached. */
  status: number;
  error?: string;
  /** How many token grants were revoked. */
  revoked: number;
  /** The full URL that was called. */
  url: string;
}

const HOOK_USER_AGENT = "amoService-oAuth-Code-Sender/1.0";

const disconnectHookSchema = z.strictObject({
  url: z.url(),
  signature: z.string().optional(),
  clientUuid: z.string().optional(),
  accountId: z.number().int().optional(),
});
const resetSchema = configPatchSchema.extend({ initial: z.boolean().optional() });
export type ResetInput = z.input<typeof resetSchema>;
const advanceClockSchema = z.strictObject({ seconds: z.number() });
const renameSchema = z.strictObject({ subdomain: subdomainSchema });
const longLivedSchema = z.strictObject({ days: z.number().int().min(1).max(5 * 366).default(30) });
const issueCodeSchema = z.strictObject({ state: z.string().optional() });

/** hex(HMAC-SHA256(key = client_secret, message = client_id|account_id)), docs/amocrm-contract.md §7.1. */
export function disconnectSignature(clientId: string, accountId: number | string, clientSecret: string): string {
  return createHmac("sha256", clientSecret).update(`${clientId}|${accountId}`).digest("hex");
}

export class FakeControls {
  private readonly initialConfig: FakeConfig;

  constructor(
    private readonly state: FakeState,
    private readonly issuer: TokenIssuer,
  ) {
    this.initialConfig = { ...state.config };
  }

  get config(): Readonly<FakeConfig> {
    return this.state.config;
  }

  snapshot(): FakeStateSnapshot {
    const s = this.state;
    const { clientSecret, ...config } = s.config;
    return {
      config,
      clock: s.now(),
      clockOffsetMs: s.clockOffsetMs,
      formerSubdomains: [...s.formerSubdomains],
      calls: { ...s.calls },
      issued: {
        codes: [...s.issued.codes],
        accessTokens: [...s.issued.accessTokens],
        refreshTokens: [...s.issued.refreshTokens],
        clientSecret,
      },
      faults: s.faults.map((f) => ({ target: f.spec.target, remaining: f.remaining, status: f.spec.status })),
      requests: s.requests.map((r) => ({ ...r })),
      rateLimit: s.rateLimiter.snapshot(s.config, s.now()),
      leadCounts: {
        leads: s.leadsStore.leads.size,
        contacts: s.leadsStore.contacts.size,
        companies: s.leadsStore.companies.size,
        notes: s.leadsStore.notes.length,
      },
    };
  }

  /** Every lead, contact, company, note and tag the leads API created, oldest first. */
  leads(): LeadsSnapshot {
    return this.state.leadsStore.snapshot();
  }

  /** Forget leads, contacts, companies, notes and tags (ids start over); tokens and config stay. */
  resetLeads(): { ok: true } {
    this.state.leadsStore.clear();
    return { ok: true };
  }

  /** What amoCRM support does: lift the rate-limit block and forget the recent calls. */
  unblock(): { ok: true; rateLimit: RateLimitSnapshot } {
    this.state.rateLimiter.reset();
    return { ok: true, rateLimit: this.snapshot().rateLimit };
  }

  /**
   * Forget codes, tokens, counters, faults, renames, the request log, the clock offset, the leads
   * and the rate-limit history.
   * Config is kept (then patched), or with `initial: true` first restored to the start-up config.
   */
  reset(input: ResetInput = {}): PublicConfig {
    const { initial, ...patch } = resetSchema.parse(input);
    const base = initial ? this.initialConfig : this.state.config;
    this.state.config = applyConfigPatch(base, patch);
    this.state.resetRuntime();
    return this.snapshot().config;
  }

  /** Like amoCRM, regenerating the client secret revokes every existing authorization. */
  configure(patch: ConfigPatch): PublicConfig {
    const before = this.state.config;
    this.state.config = applyConfigPatch(before, patch);
    if (this.state.config.clientSecret !== before.clientSecret) this.state.revokeAll();
    return this.snapshot().config;
  }

  fault(input: FaultInput): { ok: true; faults: FakeStateSnapshot["faults"] } {
    this.state.addFault(faultSchema.parse(input));
    return { ok: true, faults: this.snapshot().faults };
  }

  clearFaults(): { ok: true } {
    this.state.faults = [];
    return { ok: true };
  }

  expireAccessTokens(): { ok: true; expired: number } {
    return { ok: true, expired: this.state.expireAllAccessTokens() };
  }

  expireCodes(): { ok: true; expired: number } {
    return { ok: true, expired: this.state.expireAllCodes() };
  }

  revokeTokens(): { ok: true; revoked: number } {
    return { ok: true, revoked: this.state.revokeAll() };
  }

  advanceClock(seconds: number): { ok: true; clock: number; clockOffsetMs: number } {
    advanceClockSchema.parse({ seconds });
    this.state.clockOffsetMs += Math.round(seconds * 1000);
    return { ok: true, clock: this.state.now(), clockOffsetMs: this.state.clockOffsetMs };
  }

  /** The old host answers 404 (token endpoint) and 401/404 (API) from now on. */
  renameSubdomain(subdomain: string): { ok: true; previous: string; subdomain: string; domain: string } {
    const next = renameSchema.parse({ subdomain }).subdomain;
    const previous = this.state.config.subdomain;
    if (next !== previous) {
      this.state.formerSubdomains.add(previous);
      this.state.formerSubdomains.delete(next);
      this.state.config = { ...this.state.config, subdomain: next };
    }
    return { ok: true, previous, subdomain: next, domain: accountHost(this.state.config) };
  }

  /**
   * Emits the "access revoked" hook (docs/amocrm-contract.md §7.1). amoCRM revokes the install's tokens
   * regardless of the hook's answer, and before calling it ("the tokens are already revoked").
   */
  async disconnectHook(input: DisconnectHookInput): Promise<DisconnectHookResult> {
    const { url, signature, clientUuid, accountId } = disconnectHookSchema.parse(input);
    const config = this.state.config;
    const account = accountId ?? config.accountId;
    const target = new URL(url);
    target.searchParams.append("client_uuid", clientUuid ?? config.clientId);
    target.searchParams.append("account_id", String(account));
    target.searchParams.append(
      "signature",
      signature ?? disconnectSignature(config.clientId, account, config.clientSecret),
    );
    const revoked = this.state.revokeAll({ clientId: config.clientId, accountId: config.accountId });
    try {
      const response = await fetch(target, {
        method: "GET",
        headers: { "User-Agent": HOOK_USER_AGENT },
        redirect: "manual",
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status, revoked, url: target.toString() };
    } catch (error) {
      return { status: 0, error: error instanceof Error ? error.message : String(error), revoked, url: target.toString() };
    }
  }

  /** A long-lived token (docs/amocrm-contract.md §6): exp at 00:00:00 UTC of today + days, no refresh token. */
  async longLivedToken(days = 30): Promise<{ token: string; exp: number }> {
    const parsed = longLivedSchema.parse({ days });
    const config = this.state.config;
    const now = new Date(this.state.now());
    const exp = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + parsed.days) / 1000;
    const { token } = await this.issuer.sign({
      clientId: config.clientId,
      accountId: config.accountId,
      userId: config.userId,
      platform: config.platform,
      scopes: config.scopes,
      iat: Math.floor(now.getTime() / 1000),
      exp,
    });
    this.state.addGrant({ parentId: null, accessToken: token, accessExpiresAt: exp * 1000, refreshToken: null, longLived: true });
    return { token, exp };
  }

  /** A code exactly as "Allow" would create it, for HTTP-level tests without a browser. */
  issueCode(input: { state?: string } = {}): IssuedCode {
    const { state } = issueCodeSchema.parse(input);
    return issueCode(this.state, state);
  }

  jwks(): { keys: unknown[] } {
    return { keys: [this.issuer.publicJwk] };
  }
}

// --- HTTP face -------------------------------------------------------------------------

type ControlHandler = (controls: FakeControls, body: unknown) => unknown;

const CONTROL_ROUTES: Record<string, ControlHandler> = {
  "GET /__control/health": () => ({ ok: true }),
  "GET /__control/state": (c) => c.snapshot(),
  "GET /__control/jwks": (c) => c.jwks(),
  "POST /__control/reset": (c, body) => ({ ok: true, config: c.reset(resetSchema.parse(body)) }),
  "POST /__control/config": (c, body) => ({ ok: true, config: c.configure(configPatchSchema.parse(body)) }),
  "POST /__control/fault": (c, body) => c.fault(faultSchema.parse(body)),
  "POST /__control/clear-faults": (c) => c.clearFaults(),
  "POST /__control/expire-access-tokens": (c) => c.expireAccessTokens(),
  "POST /__control/expire-codes": (c) => c.expireCodes(),
  "POST /__control/revoke-tokens": (c) => c.revokeTokens(),
  "POST /__control/advance-clock": (c, body) => c.advanceClock(advanceClockSchema.parse(body).seconds),
  "POST /__control/rename-subdomain": (c, body) => c.renameSubdomain(renameSchema.parse(body).subdomain),
  "POST /__control/disconnect-hook": (c, body) => c.disconnectHook(disconnectHookSchema.parse(body)),
  "POST /__control/long-lived-token": (c, body) => c.longLivedToken(longLivedSchema.parse(body).days),
  "POST /__control/issue-code": (c, body) => c.issueCode(issueCodeSchema.parse(body)),
  "GET /__control/leads": (c) => c.leads(),
  "POST /__control/leads/reset": (c) => c.resetLeads(),
  "POST /__control/unblock": (c) => c.unblock(),
};

export async function handleControlRequest(
  controls: FakeControls,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method ?? "GET";
  const handler = CONTROL_ROUTES[`${method} ${url.pathname}`];
  if (!handler) {
    return sendProblem(res, notFound(method, `${url.origin}${url.pathname}`));
  }
  let body: unknown = {};
  if (method === "POST") {
    const raw = (await readBody(req)).trim();
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return sendJson(res, 400, { ok: false, error: "body is not valid JSON" });
      }
    }
  }
  try {
    sendJson(res, 200, await handler(controls, body));
  } catch (error) {
    if (error instanceof z.ZodError) {
      return sendJson(res, 400, { ok: false, error: "invalid control request", issues: error.issues });
    }
    throw error;
  }
}
