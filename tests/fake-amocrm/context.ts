// What every amoCRM-facing handler gets (the request, the intended host, the fake's state), and how the
// fake sends the errors it produces itself: in the platform's language, as JSON or as an HTML page.
import type { IncomingMessage, ServerResponse } from "node:http";
import { hostPlatform } from "./hosts";
import { send, sendProblem } from "./http";
import { htmlErrorPage, localized, notFound, type Language, type Problem } from "./problems";
import type { FakeState } from "./state";
import type { TokenIssuer } from "./tokens";

export interface AmoRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** X-Amocrm-Account-Host (normalized) or undefined. */
  accountHost: string | undefined;
  /** Host used in 404 details. */
  displayHost: string;
  state: FakeState;
  issuer: TokenIssuer;
  /** Filled in for the request log. */
  log: { grantType?: string; fault?: boolean; rateLimited?: boolean };
}

/**
 * English on a Kommo host, Russian on an amoCRM one, by the platform of the host the app meant (the configured
 * platform when it named none); always Russian unless `kommoEnglishErrors` is on (docs/amocrm-contract.md §0, §4, §4.1).
 */
export function errorLanguage(ctx: AmoRequest): Language {
  const config = ctx.state.config;
  if (!config.kommoEnglishErrors) return "ru";
  const platform = (ctx.accountHost === undefined ? undefined : hostPlatform(ctx.accountHost)) ?? config.platform;
  return platform === "kommo.com" ? "en" : "ru";
}

/**
 * An error the fake produces itself, in the platform's language. With `page`, a status that `htmlErrorStatuses`
 * names becomes its HTML page instead (the login page for an API 401, nginx's page for 403 and gateway errors);
 * the token endpoint and the lookups pass false: their observed errors are always JSON.
 */
export function sendError(ctx: AmoRequest, problem: Problem, page = true): void {
  if (page && (ctx.state.config.htmlErrorStatuses as readonly number[]).includes(problem.status)) {
    const html = htmlErrorPage(problem.status);
    return send(ctx.res, problem.status, html.body, html.contentType);
  }
  sendProblem(ctx.res, localized(problem, errorLanguage(ctx)));
}

/** amoCRM's 404, naming the URL the app meant (docs/amocrm-contract.md §4.1). */
export function notFoundHere(ctx: AmoRequest): Problem {
  return notFound(ctx.req.method ?? "GET", `https://${ctx.displayHost}${ctx.url.pathname}`);
}
