// Test-only fake of amoCRM's OAuth, account and leads API (docs/amocrm-contract.md §10, §11). One origin serves every
// amoCRM host; see hosts.ts for how the intended host is recovered.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DEFAULT_CONFIG,
  applyConfigPatch,
  randomClientSecret,
  type FakeConfig,
  type Platform,
  type UtmFieldCode,
} from "./config";
import { FakeControls, handleControlRequest } from "./controls";
import { accountHostHeader, normalizeHost } from "./hosts";
import { BodyTooLargeError, sendJson } from "./http";
import { handleAmoRequest, type AmoRequest } from "./routes";
import { FakeState } from "./state";
import { TokenIssuer } from "./tokens";

export type { FakeConfig, Platform } from "./config";
export type { ConfigPatch, UtmFieldCode } from "./config";
export { UTM_FIELD_CODES } from "./config";
export type { LeadsSnapshot, StoredContact, StoredLead, StoredNote } from "./leads-store";
export type { RateLimitSnapshot } from "./ratelimit";
export type { FaultInput, FaultTarget } from "./faults";
export type { FakeStateSnapshot, DisconnectHookInput, DisconnectHookResult, PublicConfig, ResetInput } from "./controls";
export { FakeControls, disconnectSignature } from "./controls";

export interface FakeAmoOptions {
  /** 0 = random free port. */
  port?: number;
  host?: string;
  clientId?: string;
  /** Default: 64 random [A-Za-z0-9]. */
  clientSecret?: string;
  /** The Redirect URI registered in the integration settings. */
  redirectUri?: string;
  subdomain?: string;
  platform?: Platform;
  accountId?: number;
  accountName?: string;
  integrationName?: string;
  /** Consent page redirects at once as if Allow was pressed. */
  autoAllow?: boolean;
  /** No request logging. */
  quiet?: boolean;
  /** The 7-per-second limit on /api/v4 and its 403 block (default on). */
  rateLimitEnabled?: boolean;
  /** The account's UTM lead fields (default: UTM_SOURCE … UTM_REFERRER); [] for an account without them. */
  leadUtmFields?: UtmFieldCode[];
}

export interface FakeAmo {
  /** e.g. http://127.0.0.1:4010 (no trailing slash). */
  url: string;
  port: number;
  /** The same operations the /__control/ HTTP API offers, in-process. */
  controls: FakeControls;
  close(): Promise<void>;
}

function initialConfig(opts: FakeAmoOptions): FakeConfig {
  const base: FakeConfig = { ...DEFAULT_CONFIG, clientSecret: randomClientSecret() };
  return applyConfigPatch(base, {
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    redirectUri: opts.redirectUri,
    subdomain: opts.subdomain,
    platform: opts.platform,
    accountId: opts.accountId,
    accountName: opts.accountName,
    integrationName: opts.integrationName,
    autoAllow: opts.autoAllow,
    rateLimitEnabled: opts.rateLimitEnabled,
    leadUtmFields: opts.leadUtmFields,
  });
}

/** A host usable in a URL: wildcard binds are reached via loopback, IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startFakeAmo(opts: FakeAmoOptions = {}): Promise<FakeAmo> {
  const state = new FakeState(initialConfig(opts));
  const issuer = await TokenIssuer.create();
  const controls = new FakeControls(state, issuer);
  const quiet = opts.quiet ?? false;
  if (!quiet) state.onEvent = (line) => console.log(`[fake-amocrm] ${line}`);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const httpHost = req.headers.host ?? "localhost";
    const url = new URL(req.url ?? "/", `http://${httpHost}`);
    if (url.pathname.startsWith("/__control/")) {
      return handleControlRequest(controls, req, res, url);
    }

    const accountHost = accountHostHeader(req);
    const ctx: AmoRequest = {
      req,
      res,
      url,
      accountHost,
      displayHost: accountHost ?? normalizeHost(httpHost),
      state,
      issuer,
      log: {},
    };
    const at = state.now();
    // Logged on "close" so the final status (or 0 for an abandoned request) is recorded.
    res.on("close", () => {
      const status = res.headersSent ? res.statusCode : 0;
      const contentType = req.headers["content-type"];
      const accept = req.headers.accept;
      state.logRequest({
        method: req.method ?? "GET",
        path: url.pathname,
        host: accountHost ?? httpHost,
        accountHost: accountHost ?? null,
        ...(ctx.log.grantType !== undefined ? { grantType: ctx.log.grantType } : {}),
        ...(contentType !== undefined ? { contentType } : {}),
        ...(accept !== undefined ? { accept } : {}),
        status,
        ...(ctx.log.fault ? { fault: true } : {}),
        ...(ctx.log.rateLimited ? { rateLimited: true } : {}),
        at,
      });
      if (!quiet) {
        const grant = ctx.log.grantType ? ` grant=${ctx.log.grantType}` : "";
        const fault = ctx.log.fault ? " (fault)" : ctx.log.rateLimited ? " (rate limit)" : "";
        console.log(`[fake-amocrm] ${req.method} ${url.pathname} host=${accountHost ?? "-"}${grant} -> ${status}${fault}`);
      }
    });
    await handleAmoRequest(ctx);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { ok: false, error: error.message });
      console.error("[fake-amocrm] handler error", error);
      sendJson(res, 500, { ok: false, error: error instanceof Error ? error.message : String(error) });
    });
  });

  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    controls,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Cut pending delay/timeout faults short, then drop keep-alive sockets so close() is prompt.
        state.cancelSleeps();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
