// The delivery side of a server process for tests/unit/leads-crash.test.ts, run as
// `node --import tsx --conditions=react-server tests/unit/helpers/lead-worker-child.ts` with the test's env:
// the same worker the server starts at boot (lib/leads/worker.ts), until the test kills it.
import { startLeadWorker } from "@/lib/leads/worker";

startLeadWorker();
console.log("worker started");
// The worker's timers are unref'd, as in the server; this keeps the process alive until it is killed.
setInterval(() => undefined, 60_000);
