import "server-only";
import { getConnection } from "@/lib/db/queries/connection";

export interface SetupProgress {
  credentialsSaved: boolean;
  connected: boolean;
}

/** How far the real setup is: credentials saved (guide steps 1-5 done) and connected (all done). */
export function getSetupProgress(): SetupProgress {
  const connection = getConnection();
  return {
    credentialsSaved: Boolean(connection?.clientId && connection.clientSecretEnc) || connection?.mode === "long_lived",
    connected: connection?.state === "connected" || connection?.state === "degraded",
  };
}
