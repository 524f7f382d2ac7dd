// All mutable state of one fake instance: clock, codes, token grants, counters, faults and
// the request log. HTTP handlers and the test controls both work on this object.
import type { FakeConfig } from "./config";
import type { ActiveFault, FaultSpec, FaultTarget } from "./faults";
import { LeadsStore } from "./leads-store";
import { RateLimiter } from "./ratelimit";

export const CODE_TTL_MS = 20 * 60 * 1000;
export const ACCESS_TTL_S = 86_400;
export const REFRESH_TTL_MS = 90 * 86_400 * 1000;
const MAX_LOGGED_REQUESTS = 2000;

export interface CodeRecord {
  code: string;
  clientId: string;
  accountId: number;
  issuedAt: number;
  used: boolean;
}

/**
 * One issued access token plus (for OAuth grants) its refresh token. Refreshing creates a
 * child grant; `parentId` links the rotation chain so "successor used" can be detected.
 */
export interface Grant {
  id: number;
  parentId: number | null;
  clientId: string;
  accountId: number;
  issuedAt: number;
  accessToken: string;
  accessExpiresAt: number;
  accessRevoked: boolean;
  /** null for long-lived tokens. */
  refreshToken: string | null;
  refreshExpiresAt: number;
  refreshRevoked: boolean;
  /** API calls with this access token still to be refused with 401 (`unauthorizedAfterRefresh`). */
  unauthorizedLeft: number;
  /** Set the first time either token of this grant is used successfully. */
  used: boolean;
  longLived: boolean;
}

export interface CallCounters {
  consentViews: number;
  tokenAuthorizationCode: number;
  tokenRefresh: number;
  tokenTotal: number;
  account: number;
  subdomainLookups: number;
  leadsComplex: number;
  leadsNotes: number;
  leadsList: number;
  pipelines: number;
  customFields: number;
  /** Every /api/v4 call, known route or not (what the rate limit meters). */
  api: number;
  /** /api/v4 calls with a freshly refreshed access token refused with 401 by `unauthorizedAfterRefresh`. */
  unauthorizedAfterRefresh: number;
  /** /api/v4 calls answered 429 by the rate limit, and requests answered 403 by its block. */
  rateLimited: number;
  blocked: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path without the query string (queries may carry codes and states). */
  path: string;
  /** Effective host: X-Amocrm-Account-Host if sent, else the HTTP Host header. */
  host: string;
  /** The X-Amocrm-Account-Host value, or null when the app did not send it. */
  accountHost: string | null;
  grantType?: string;
  contentType?: string;
  /** The request's Accept header, as sent. */
  accept?: string;
  /** 0 when the client went away before an answer was sent. */
  status: number;
  /** True when a fault answered instead of the real handler. */
  fault?: boolean;
  /** True when the rate limit (429) or its block (403) answered. */
  rateLimited?: boolean;
  /** Fake-clock ms when the request arrived. */
  at: number;
}

function zeroCalls(): CallCounters {
  return {
    consentViews: 0,
    tokenAuthorizationCode: 0,
    tokenRefresh: 0,
    tokenTotal: 0,
    account: 0,
    subdomainLookups: 0,
    leadsComplex: 0,
    leadsNotes: 0,
    leadsList: 0,
    pipelines: 0,
    customFields: 0,
    api: 0,
    unauthorizedAfterRefresh: 0,
    rateLimited: 0,
    blocked: 0,
  };
}

export class FakeState {
  config: FakeConfig;
  clockOffsetMs = 0;
  readonly codes = new Map<string, CodeRecord>();
  private readonly grants = new Map<number, Grant>();
  private readonly byAccess = new Map<string, Grant>();
  private readonly byRefresh = new Map<string, Grant>();
  private nextGrantId = 1;
  /** Subdomains the account had before renames; their hosts now answer 404. */
  readonly formerSubdomains = new Set<string>();
  calls: CallCounters = zeroCalls();
  faults: ActiveFault[] = [];
  requests: RequestLogEntry[] = [];
  /** Every secret-ish value handed out, for leak-scan tests. */
  issued = { codes: [] as string[], accessTokens: [] as string[], refreshTokens: [] as string[] };
  /** Pending delays and hangs; `timer` is undefined for a hang, which only the client or close() ends. */
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout | undefined; resolve: () => void }>();
  /** Leads, contacts, companies, notes and tags created through the API. */
  readonly leadsStore = new LeadsStore();
  readonly rateLimiter = new RateLimiter();
  /** Where the fake tells a watching human what it received (a lead, a note); the server sets it. */
  onEvent: (line: string) => void = () => {};

  constructor(config: FakeConfig) {
    this.config = config;
  }

  /** The fake's clock: real time shifted by advance-clock. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Forget everything except the configuration. */
  resetRuntime(): void {
    this.clockOffsetMs = 0;
    this.codes.clear();
    this.grants.clear();
    this.byAccess.clear();
    this.byRefresh.clear();
    this.formerSubdomains.clear();
    this.calls = zeroCalls();
    this.faults = [];
    this.requests = [];
    this.issued = { codes: [], accessTokens: [], refreshTokens: [] };
    this.leadsStore.clear();
    this.rateLimiter.reset();
  }

  // --- codes -------------------------------------------------------------------------

  addCode(code: string): CodeRecord {
    const record: CodeRecord = {
      code,
      clientId: this.config.clientId,
      accountId: this.config.accountId,
      issuedAt: this.now(),
      used: false,
    };
    this.codes.set(code, record);
    this.issued.codes.push(code);
    return record;
  }

  isCodeExpired(record: CodeRecord): boolean {
    return this.now() >= record.issuedAt + CODE_TTL_MS;
  }

  // --- grants ------------------------------------------------------------------------

  addGrant(input: {
    parentId: number | null;
    accessToken: string;
    accessExpiresAt: number;
    refreshToken: string | null;
    longLived: boolean;
    unauthorizedCalls?: number;
  }): Grant {
    const now = this.now();
    const grant: Grant = {
      id: this.nextGrantId++,
      parentId: input.parentId,
      clientId: this.config.clientId,
      accountId: this.config.accountId,
      issuedAt: now,
      accessToken: input.accessToken,
      accessExpiresAt: input.accessExpiresAt,
      accessRevoked: false,
      refreshToken: input.refreshToken,
      refreshExpiresAt: now + REFRESH_TTL_MS,
      refreshRevoked: false,
      unauthorizedLeft: input.unauthorizedCalls ?? 0,
      used: false,
      longLived: input.longLived,
    };
    this.grants.set(grant.id, grant);
    this.byAccess.set(grant.accessToken, grant);
    this.issued.accessTokens.push(grant.accessToken);
    if (grant.refreshToken !== null) {
      this.byRefresh.set(grant.refreshToken, grant);
      this.issued.refreshTokens.push(grant.refreshToken);
    }
    return grant;
  }

  findByAccessToken(token: string): Grant | undefined {
    return this.byAccess.get(token);
  }

  findByRefreshToken(token: string): Grant | undefined {
    return this.byRefresh.get(token);
  }

  /** A usable access token: known, not revoked, not expired, and for the configured account. */
  isAccessValid(grant: Grant): boolean {
    return !grant.accessRevoked && this.now() < grant.accessExpiresAt && grant.accountId === this.config.accountId;
  }

  isRefreshExpired(grant: Grant): boolean {
    return this.now() >= grant.refreshExpiresAt;
  }

  /**
   * Rotation rule (docs/amocrm-contract.md §3.3): a superseded refresh token stays valid until one of its
   * successor's tokens is used. On first use of a grant, its parent's RT dies, and so do
   * sibling branches created by parallel refreshes of the same parent.
   */
  markUsed(grant: Grant): void {
    if (grant.used) return;
    grant.used = true;
    if (grant.parentId === null) return;
    const parent = this.grants.get(grant.parentId);
    if (parent) parent.refreshRevoked = true;
    for (const sibling of this.grants.values()) {
      if (sibling.parentId === grant.parentId && sibling.id !== grant.id) this.revokeBranch(sibling);
    }
  }

  private revokeBranch(grant: Grant): void {
    grant.accessRevoked = true;
    grant.refreshRevoked = true;
    for (const child of this.grants.values()) {
      if (child.parentId === grant.id) this.revokeBranch(child);
    }
  }

  /** Revoke every token (optionally only those of one install). Returns how many grants changed. */
  revokeAll(filter?: { clientId: string; accountId: number }): number {
    let count = 0;
    for (const grant of this.grants.values()) {
      if (filter && (grant.clientId !== filter.clientId || grant.accountId !== filter.accountId)) continue;
      if (grant.accessRevoked && (grant.refreshToken === null || grant.refreshRevoked)) continue;
      grant.accessRevoked = true;
      grant.refreshRevoked = true;
      count++;
    }
    return count;
  }

  expireAllAccessTokens(): number {
    const now = this.now();
    let count = 0;
    for (const grant of this.grants.values()) {
      if (grant.accessExpiresAt > now) {
        grant.accessExpiresAt = now;
        count++;
      }
    }
    return count;
  }

  expireAllCodes(): number {
    let count = 0;
    for (const record of this.codes.values()) {
      if (!this.isCodeExpired(record)) {
        record.issuedAt = this.now() - CODE_TTL_MS;
        count++;
      }
    }
    return count;
  }

  // --- faults ------------------------------------------------------------------------

  addFault(spec: FaultSpec): void {
    this.faults.push({ spec, remaining: spec.times });
  }

  /** Consume one use of the first fault that matches any of the request's targets. */
  takeFault(targets: readonly FaultTarget[]): FaultSpec | undefined {
    const index = this.faults.findIndex((f) => f.remaining > 0 && targets.includes(f.spec.target));
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault.spec;
  }

  // --- request log -------------------------------------------------------------------

  logRequest(entry: RequestLogEntry): void {
    this.requests.push(entry);
    if (this.requests.length > MAX_LOGGED_REQUESTS) this.requests.splice(0, this.requests.length - MAX_LOGGED_REQUESTS);
  }

  // --- delays ------------------------------------------------------------------------

  /** A sleep that close() can cut short, so a pending "timeout" fault never keeps the process alive. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeps.add(entry);
    });
  }

  /** Waits until the client goes away or the fake closes: a request that is never answered. */
  hang(until: { once(event: "close", listener: () => void): unknown }): Promise<void> {
    return new Promise((resolve) => {
      const entry = { timer: undefined, resolve };
      this.sleeps.add(entry);
      until.once("close", () => {
        this.sleeps.delete(entry);
        resolve();
      });
    });
  }

  cancelSleeps(): void {
    for (const entry of this.sleeps) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.resolve();
    }
    this.sleeps.clear();
  }
}
