// One server's side of the shared-throttle tests in tests/unit/db-engines.test.ts, run as its own process on the
// test's PostgreSQL database (`node --import tsx --conditions=react-server tests/unit/helpers/throttle-child.ts`):
// it prints "ready", waits for "go" on stdin so both servers start together, then either starts <n> amoCRM calls at
// once (`calls <n>`) or posts <n> leads at once with one site key (`leads <n> <key> <now ms>`), prints what each
// got (and when each call left) as one JSON line, and exits.
import diagnostics from "node:diagnostics_channel";
import readline from "node:readline";
import { amoHttp } from "@/lib/amocrm/http";
import { closeDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { acceptLeadRequest } from "@/lib/leads/intake";

async function outcome(work: () => Promise<{ status: number }>): Promise<number | string> {
  try {
    return (await work()).status;
  } catch (error) {
    return error instanceof AppError ? `${error.code}:${error.retryAfterSeconds ?? ""}` : "error";
  }
}

function postLead(key: string, now: Date) {
  const request = new Request("http://127.0.0.1/api/v1/leads", {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Ali", phone: "+998901234567" }),
  });
  return acceptLeadRequest(request, { now });
}

async function main(): Promise<void> {
  const [mode, count, key, at] = process.argv.slice(2);
  const n = Number(count);
  // A running server has long loaded its HTTP client and holds a connection: warm both with one call before the
  // burst, so the first call's one-off set-up does not delay its arrival past the window's transit slack. That call
  // takes a start in the shared window too, which can only make the burst wait longer, and is not among `departures`.
  if (mode === "calls" && process.env.AMOCRM_API_ORIGIN) await amoHttp({ host: "acoustic.amocrm.ru", path: "/warm-up" });
  // When each request left this server: the moment amoHttp creates it, after the limiter let it start.
  const departures: number[] = [];
  diagnostics.subscribe("http.client.request.start", () => departures.push(Date.now()));
  console.log("ready");
  await new Promise<void>((resolve) => readline.createInterface({ input: process.stdin }).once("line", () => resolve()));
  const work =
    mode === "calls"
      ? () => amoHttp({ host: "acoustic.amocrm.ru", path: "/api/v4/account" })
      : () => postLead(key ?? "", new Date(Number(at)));
  const outcomes = await Promise.all(Array.from({ length: n }, () => outcome(work)));
  console.log(JSON.stringify({ outcomes, departures }));
  await closeDb();
  process.exit(0);
}

void main();
