/**
 * What kind of address this deployment has, so the guide can explain development versus production with the live
 * values. Pure: the caller passes `getEnv()`'s values in.
 */
export type DeploymentKind =
  /** https on a public host name: what amoCRM expects of a production server. */
  | "public-https"
  /** http on a public host name: works for the browser redirect, but production should use https. */
  | "public-http"
  /** localhost, a private IP or a .local name: only this computer's browser (or the local network) reaches it. */
  | "local";

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|.*\.local|.*\.internal|127(\.\d{1,3}){3}|10(\.\d{1,3}){3}|192\.168(\.\d{1,3}){2}|172\.(1[6-9]|2\d|3[01])(\.\d{1,3}){2}|0\.0\.0\.0|\[::1?\])$/i;

export function deploymentKind(appUrl: string): DeploymentKind {
  const url = new URL(appUrl);
  if (PRIVATE_HOST.test(url.hostname)) return "local";
  return url.protocol === "https:" ? "public-https" : "public-http";
}
