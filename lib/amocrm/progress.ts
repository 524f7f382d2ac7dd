import "server-only";
import { getConnection } from "@/lib/db/connection";
import { isWorking } from "./connection-state";

export interface SetupProgress {
  credentialsSaved: boolean;
  connected: boolean;
}

/** How far the real setup is: credentials saved (guide steps 1-5 done) and connected (all done). */
export async function getSetupProgress(): Promise<SetupProgress> {
  const connection = await getConnection();
  return {
    credentialsSaved: Boolean(connection?.clientId && connection.clientSecretEnc) || connection?.mode === "long_lived",
    connected: connection ? isWorking(connection.state) : false,
  };
}
