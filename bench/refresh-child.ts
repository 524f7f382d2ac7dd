// A second (and third) server process for the refresh single-flight measure, started by bench/refresh.ts as
// `node --conditions=react-server --import tsx bench/refresh-child.ts` with the bench's environment.
// Protocol, one line each way: it prints {"ready":true} once warm; "go <n>" runs n concurrent getAccessToken() calls
// and prints {"ok":true,"generations":[...]} (or {"ok":false,"error":code}); "exit" ends it.
// No top-level await: package.json has no "type": "module", so tsx may load this as CommonJS.
import { createInterface } from "node:readline";
import { getAccessToken } from "@/lib/amocrm/tokens";

// stdout carries the protocol only: the app's own log lines ("[amocrm] access token refreshed") go to stderr.
console.info = console.error;
console.log = console.error;
console.warn = console.error;

function reply(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function burst(count: number): Promise<void> {
  try {
    const tokens = await Promise.all(Array.from({ length: count }, () => getAccessToken()));
    reply({ ok: true, generations: [...new Set(tokens.map((token) => token.generation))] });
  } catch (error) {
    reply({ ok: false, error: error instanceof Error && "code" in error ? String(error.code) : "unexpected" });
  }
}

async function main(): Promise<void> {
  // Warm: opens the database, reads the env and the key, compiles the hot path once.
  await getAccessToken();
  reply({ ready: true });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, argument] = line.trim().split(" ");
    if (command === "exit") break;
    const count = Number(argument);
    if (command === "go" && Number.isSafeInteger(count) && count > 0 && count <= 1000) await burst(count);
    else reply({ ok: false, error: `unknown command: ${line.slice(0, 40)}` });
  }
  lines.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    reply({ ok: false, error: error instanceof Error && "code" in error ? String(error.code) : "unexpected" });
    process.exit(1);
  },
);
