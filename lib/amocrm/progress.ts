import "server-only";
import { hasActiveApiKey } from "@/lib/db/api-keys";
import { getConnection } from "@/lib/db/connection";
import { isWorking } from "./connection-state";

export interface SetupProgress {
  credentialsSaved: boolean;
  connected: boolean;
  /** A site API key that is not revoked exists: the website can send leads (the guide's last step). */
  activeApiKey: boolean;
}

/** How far the real setup is: credentials saved (guide steps 1-5 done), connected, and a key for the website. */
export async function getSetupProgress(): Promise<SetupProgress> {
  const [connection, activeApiKey] = await Promise.all([getConnection(), hasActiveApiKey()]);
  return {
    credentialsSaved: Boolean(connection?.clientId && connection.clientSecretEnc) || connection?.mode === "long_lived",
    connected: connection ? isWorking(connection.state) : false,
    activeApiKey,
  };
}
