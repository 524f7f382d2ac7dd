// Child processes of the benchmark: line-protocol Node helpers, `next start`, and /proc readings. Every process
// started here is registered for clean-up and stopped by its own id (its process group when it has one).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BenchError, onCleanup, sleep } from "./harness";

export const ROOT = path.resolve(__dirname, "..");

function exitedPromise(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
  });
}

/**
 * SIGTERM, then SIGKILL after `graceMs`. A detached child is the leader of its own process group: the group is
 * signalled, so whatever it started goes too.
 */
export async function stopProcess(child: ChildProcess, { graceMs = 5000, group = false } = {}): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = exitedPromise(child);
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(group ? -pid : pid, name);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const stopped = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!stopped) {
    signal("SIGKILL");
    await Promise.race([exited, sleep(2000)]);
  }
}

export interface LineChild {
  child: ChildProcess;
  /** The next line the child prints on stdout, or a BenchError after `timeoutMs`. */
  nextLine(timeoutMs: number): Promise<string>;
  send(line: string): void;
  stop(): Promise<void>;
  stderrTail(): string;
}

/** `node --conditions=react-server --import tsx <script>`, as the unit tests start their second process. */
export function startNodeChild(script: string, env: Record<string, string>): LineChild {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stop = () => stopProcess(child, { graceMs: 2000 });
  onCleanup(stop);

  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buffered = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    for (const line of parts.filter(Boolean)) {
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4000);
  });

  return {
    child,
    nextLine(timeoutMs) {
      const ready = lines.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const waiter = (line: string) => {
          clearTimeout(timer);
          resolve(line);
        };
        const timer = setTimeout(() => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
          reject(new BenchError(`${script} printed nothing for ${timeoutMs} ms; stderr: ${stderr.trim().slice(-800) || "-"}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    send(line) {
      child.stdin?.write(`${line}\n`);
    },
    stop,
    stderrTail: () => stderr,
  };
}

/** VmRSS or VmHWM (peak) of a process in kB, from /proc/<pid>/status; null when it cannot be read. */
export function readMemoryKb(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
    return match?.[1] ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

/** The pid of `rootPid` or its first descendant whose command line starts with `prefix` (breadth first, bounded). */
export function findProcessByCommand(rootPid: number, prefix: string): number | null {
  const queue = [rootPid];
  for (let seen = 0; queue.length > 0 && seen < 200; seen++) {
    const pid = queue.shift();
    if (pid === undefined) break;
    if (commandOf(pid).startsWith(prefix)) return pid;
    queue.push(...childrenOf(pid));
  }
  return null;
}
