import "server-only";
import { getEnv } from "@/lib/env";

/** This deployment's addresses, as the guide's messages interpolate them (a type, so it fits ICU values). */
export type LiveValues = {
  redirectUri: string;
  hookUrl: string;
  appUrl: string;
  appOrigin: string;
  /** Where the website's server posts its leads: `${APP_URL}/api/v1/leads`. */
  leadsApiUrl: string;
  /** Host and port of APP_URL, e.g. "localhost:3001". */
  host: string;
};

export function getLiveValues(): LiveValues {
  const env = getEnv();
  return {
    redirectUri: env.redirectUri,
    hookUrl: env.disconnectHookUrl,
    appUrl: env.appUrl,
    appOrigin: env.appOrigin,
    leadsApiUrl: `${env.appUrl}/api/v1/leads`,
    host: new URL(env.appUrl).host,
  };
}
