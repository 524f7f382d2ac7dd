// The consent page (docs/amocrm-contract.md §1, §2) and the redirects it produces.
import { accountHost, platformNumber, type FakeConfig } from "./config";
import type { FakeState } from "./state";
import { newAuthorizationCode } from "./tokens";

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Appends params to the registered Redirect URI, keeping any query it already has. */
function withQuery(base: string, params: Array<[string, string]>): string {
  const query = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  const hashAt = base.indexOf("#");
  const head = hashAt === -1 ? base : base.slice(0, hashAt);
  const separator = head.includes("?") ? (head.endsWith("?") || head.endsWith("&") ? "" : "&") : "?";
  return head + separator + query;
}

export interface IssuedCode {
  code: string;
  referer: string;
  clientId: string;
  /** Where "Allow" sends the browser. */
  location: string;
}

/** Creates a code bound to the client and account, exactly as pressing "Allow" does. */
export function issueCode(state: FakeState, requestState: string | undefined): IssuedCode {
  const config = state.config;
  const code = state.addCode(newAuthorizationCode()).code;
  const referer = accountHost(config);
  // Param order as observed on real amoCRM.ru callbacks; state only when one was sent.
  const params: Array<[string, string]> = [["code", code]];
  if (requestState !== undefined) params.push(["state", requestState]);
  params.push(["referer", referer], ["platform", String(platformNumber(config.platform))], ["client_id", config.clientId]);
  return { code, referer, clientId: config.clientId, location: withQuery(config.redirectUri, params) };
}

export function denyLocation(config: FakeConfig, requestState: string | undefined): string {
  const params: Array<[string, string]> = [
    ["error", "access_denied"],
    ["client_id", config.clientId],
  ];
  if (requestState !== undefined) params.push(["state", requestState]);
  return withQuery(config.redirectUri, params);
}

const PAGE_STYLE = `
  body { font-family: system-ui, sans-serif; background: #f3f5f7; color: #1f2d3d; margin: 0; }
  main { max-width: 28rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px;
         box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .25rem 1rem; }
  dt { font-weight: 600; }
  .actions { display: flex; gap: 1rem; margin-top: 1.5rem; }
  button { font: inherit; padding: .6rem 1.4rem; border-radius: 4px; border: 1px solid #339dc7; cursor: pointer; }
  .allow { background: #339dc7; color: #fff; }
  .deny { background: #fff; color: #339dc7; }
  .note { color: #5b6b7b; font-size: .85rem; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Hidden fields carry client_id and (only if sent) state to the decision endpoint. */
function decisionForm(config: FakeConfig, requestState: string | undefined, decision: "allow" | "deny"): string {
  const stateField =
    requestState === undefined ? "" : `<input type="hidden" name="state" value="${escapeHtml(requestState)}">`;
  const label = decision === "allow" ? "Allow" : "Deny";
  return `<form method="post" action="/oauth/decision">
<input type="hidden" name="client_id" value="${escapeHtml(config.clientId)}">
${stateField}
<input type="hidden" name="decision" value="${decision}">
<button type="submit" class="${decision}">${label}</button>
</form>`;
}

export function consentPage(config: FakeConfig, requestState: string | undefined): string {
  const scopes = config.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join("");
  return page(
    config.integrationName,
    `<h1>${escapeHtml(config.integrationName)}</h1>
<p>This integration asks for access to your account.</p>
<dl>
<dt>Account</dt><dd data-testid="account">${escapeHtml(config.accountName)} (${escapeHtml(accountHost(config))})</dd>
<dt>Account ID</dt><dd>${config.accountId}</dd>
</dl>
<p>Requested permissions:</p>
<ul>${scopes}</ul>
<div class="actions">
${decisionForm(config, requestState, "allow")}
${decisionForm(config, requestState, "deny")}
</div>
<p class="note">Fake amoCRM consent page (test double).</p>`,
  );
}

export function consentErrorPage(message: string): string {
  return page("Integration not found", `<h1>Integration not found</h1>\n<p>${escapeHtml(message)}</p>`);
}
