// Starts `next start` for the browser tests and keeps everything it prints in a log file, so tests can read the
// setup link and the leak scan can search the server's output.
import { spawn } from "node:child_process";
import fs from "node:fs";

const [port, logFile] = process.argv.slice(2);
const log = fs.createWriteStream(logFile, { flags: "a" });
const child = spawn("node_modules/.bin/next", ["start", "-p", port, "-H", "127.0.0.1"], {
  stdio: ["ignore", "pipe", "pipe"],
  env: process.env,
});
for (const stream of [child.stdout, child.stderr]) {
  stream.on("data", (chunk) => {
    log.write(chunk);
    process.stdout.write(chunk);
  });
}
const stop = (signal) => child.kill(signal);
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
child.on("exit", (code) => {
  log.end();
  process.exit(code ?? 0);
});
