// A second server process for tests/unit/multiprocess.test.ts, run as
// `node --import tsx --conditions=react-server tests/unit/helpers/token-child.ts <mode>` with the test's env.
//   race:  prints "ready", waits for "go" on stdin, then amoFetch("/api/v4/account") and prints one JSON line with a
//          hash of the token it ended with (never the token itself).
//   crash: refreshes an expiring token and SIGKILLs itself after amoCRM answered, before the commit; first it prints
//          its lease process id, so the test can tell its leftover lease from any other.
import { createHash } from "node:crypto";
import { createInterface } from "node:readline";
import { amoFetch } from "@/lib/amocrm/client";
import { getAccessToken, refreshTestSeam } from "@/lib/amocrm/tokens";
import { leaseProcessId } from "@/lib/db/lease";

const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex").slice(0, 16);

async function waitForGo(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === "go") break;
  }
  lines.close();
}

async function race(): Promise<void> {
  console.log("ready");
  await waitForGo();
  const { data } = await amoFetch("/api/v4/account");
  const token = await getAccessToken();
  const id = data && typeof data === "object" && "id" in data ? data.id : null;
  console.log(JSON.stringify({ ok: true, accountId: id, tokenHash: tokenHash(token.accessToken), generation: token.generation }));
}

async function crash(): Promise<void> {
  console.log(JSON.stringify({ leaseProcessId: leaseProcessId() }));
  refreshTestSeam.afterProviderAnswer = () => void process.kill(process.pid, "SIGKILL");
  await getAccessToken();
  console.log(JSON.stringify({ ok: false, error: "still alive after the refresh" }));
}

const mode = process.argv[2];
const run = mode === "race" ? race : mode === "crash" ? crash : null;
if (!run) {
  console.error("usage: token-child.ts race|crash");
  process.exit(2);
}
run().then(
  () => process.exit(0),
  (error: unknown) => {
    console.log(JSON.stringify({ ok: false, error: error instanceof Error && "code" in error ? String(error.code) : "unexpected" }));
    process.exit(1);
  },
);
