// The run's results: targets, one summary line per measure, bench/results.json and a Markdown table for
// docs/benchmarks.md. Pure formatting; no measuring here.
import type { CallbackResult } from "./callback";
import type { CheckResult } from "./harness";
import type { DeliveryResult, IntakeLoadResult } from "./leads";
import type { StatusLoadResult } from "./load";
import type { PageWeightResult, RouteWeight } from "./page-weight";
import { BARE_ROUTE, GUIDE_ROUTES } from "./page-weight";
import type { RefreshResult } from "./refresh";
import { formatNumber, formatRatio, formatSummary, type Summary } from "./stats";
import type { HotPathResult } from "./token-hot-path";

export interface MemoryResult {
  idleMb: Summary;
  afterLoadMb: Summary;
  /** after-load median / idle median. */
  ratio: number;
  /** After the intake load too (measure 7), when it ran: the most load the server takes in the run. */
  afterIntakeMb: Summary | null;
  /** VmHWM at the end of the run: the most the process ever held. */
  peakMb: number | null;
}

export interface Measures {
  callback?: { inProcess: CallbackResult; overHttp?: CallbackResult };
  tokenHotPath?: HotPathResult;
  statusLoad?: StatusLoadResult;
  pageWeight?: PageWeightResult;
  refresh?: RefreshResult;
  memory?: MemoryResult;
  intakeLoad?: IntakeLoadResult;
  delivery?: DeliveryResult;
}

export interface Target {
  id: string;
  description: string;
  /** null when the measure did not run (that counts as not met). */
  met: boolean | null;
  value: string;
}

export interface Results {
  schemaVersion: 1;
  date: string;
  durationSeconds: number;
  machine: {
    cpuModel: string;
    cores: number;
    memoryMb: number;
    platform: string;
    release: string;
    arch: string;
    /** 1, 5 and 15-minute load averages at the start and at the end: how busy the shared machine was. */
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  node: string;
  next: string;
  build: { built: boolean; reason: string | null; seconds: number | null; buildId: string | null };
  settings: Record<string, number>;
  /** NODE_OPTIONS given to `next start` (--server-node-options), or null for Node's defaults. */
  serverNodeOptions: string | null;
  measures: Measures;
  errors: Array<{ measure: string; message: string }>;
  checks: CheckResult[];
  targets: Target[];
  targetsMet: number;
  targetsTotal: number;
  ok: boolean;
}

export const TARGETS = {
  callbackOverheadMs: 5,
  hotPathRatio: 0.3,
  statusRatio: 0.5,
  statusP99Ms: 50,
  guideExtraKb: 20,
  intakeRatio: 0.5,
  intakeP99Ms: 50,
  deliveryRatio: 2,
  memoryAfterLoadMb: 300,
} as const;

const kB = (bytes: number) => `${formatNumber(bytes / 1000, 1)} kB`;

function guideWeight(pageWeight: PageWeightResult): RouteWeight | undefined {
  const guides = pageWeight.routes.filter((route) => (GUIDE_ROUTES as readonly string[]).includes(route.route));
  return guides.sort((a, b) => b.gzipBytes - a.gzipBytes)[0];
}

export function evaluateTargets(measures: Measures): Target[] {
  const { callback, tokenHotPath, statusLoad, pageWeight, refresh, intakeLoad, delivery, memory } = measures;
  const afterIntake = memory?.afterIntakeMb ?? undefined;
  const guide = pageWeight ? guideWeight(pageWeight) : undefined;
  const guideExtra = guide && pageWeight ? guide.gzipBytes - pageWeight.bare.gzipBytes : undefined;
  return [
    {
      id: "callback",
      description: `callback overhead median ≤ ${TARGETS.callbackOverheadMs} ms`,
      met: callback ? callback.inProcess.overhead.median <= TARGETS.callbackOverheadMs : null,
      value: callback ? `${formatNumber(callback.inProcess.overhead.median)} ms` : "not measured",
    },
    {
      id: "token-hot-path",
      description: `getAccessToken() ≥ ${TARGETS.hotPathRatio}× the bare read`,
      met: tokenHotPath ? tokenHotPath.ratio.median >= TARGETS.hotPathRatio : null,
      value: tokenHotPath ? `${tokenHotPath.ratio.median.toFixed(2)}×` : "not measured",
    },
    {
      id: "status-throughput",
      description: `status ≥ ${TARGETS.statusRatio}× health req/s`,
      met: statusLoad ? statusLoad.ratio.median >= TARGETS.statusRatio : null,
      value: statusLoad ? `${statusLoad.ratio.median.toFixed(2)}×` : "not measured",
    },
    {
      id: "status-p99",
      description: `status p99 < ${TARGETS.statusP99Ms} ms`,
      met: statusLoad ? statusLoad.status.p99Ms.median < TARGETS.statusP99Ms : null,
      value: statusLoad ? `${formatNumber(statusLoad.status.p99Ms.median)} ms` : "not measured",
    },
    {
      id: "guide-weight",
      description: `/guide first-load JS ≤ bare + ${TARGETS.guideExtraKb} kB (gzip)`,
      met: guideExtra === undefined ? null : guideExtra <= TARGETS.guideExtraKb * 1000,
      value: guideExtra === undefined || !guide ? "not measured" : `${guide.route} +${kB(guideExtra)}`,
    },
    {
      id: "refresh-single-flight",
      description: "exactly one refresh per burst (1 and 2 processes)",
      met: refresh
        ? [...refresh.inProcess.refreshesPerBurst, ...refresh.twoProcesses.refreshesPerBurst].every((count) => count === 1)
        : null,
      value: refresh
        ? `${refresh.inProcess.refreshesPerBurst.join(",")} / ${refresh.twoProcesses.refreshesPerBurst.join(",")}`
        : "not measured",
    },
    {
      id: "intake-throughput",
      description: `lead intake ≥ ${TARGETS.intakeRatio}× health req/s`,
      met: intakeLoad ? intakeLoad.ratio.median >= TARGETS.intakeRatio : null,
      value: intakeLoad ? `${intakeLoad.ratio.median.toFixed(2)}×` : "not measured",
    },
    {
      id: "intake-p99",
      description: `lead intake p99 < ${TARGETS.intakeP99Ms} ms`,
      met: intakeLoad ? intakeLoad.subject.p99Ms.median < TARGETS.intakeP99Ms : null,
      value: intakeLoad ? `${formatNumber(intakeLoad.subject.p99Ms.median)} ms` : "not measured",
    },
    {
      id: "delivery-time",
      description: `1,000 leads delivered in ≤ ${TARGETS.deliveryRatio}× the 7-per-second floor`,
      met: delivery ? delivery.ratio <= TARGETS.deliveryRatio : null,
      value: delivery ? `${delivery.ratio.toFixed(2)}×` : "not measured",
    },
    {
      id: "memory-after-load",
      description: `next-server RSS after the loads ≤ ${TARGETS.memoryAfterLoadMb} MB`,
      met: afterIntake ? afterIntake.median <= TARGETS.memoryAfterLoadMb : null,
      value: afterIntake ? `${formatNumber(afterIntake.median, 0)} MB` : "not measured",
    },
  ];
}

const verdict = (target: Target | undefined) => (target?.met === true ? "met" : target?.met === false ? "MISSED" : "not measured");

/** One line per measure, then the targets line. */
export function summaryLines(results: Results): string[] {
  const { callback, tokenHotPath, statusLoad, pageWeight, refresh, memory, intakeLoad, delivery } = results.measures;
  const target = (id: string) => results.targets.find((candidate) => candidate.id === id);
  const lines: string[] = [];

  if (callback) {
    const { inProcess, overHttp } = callback;
    const http = overHttp ? `; over HTTP via next start ${formatSummary(overHttp.overhead, "ms")}` : "";
    lines.push(
      `callback overhead: ${formatSummary(inProcess.overhead, "ms")} over ${inProcess.callbacks} callbacks ` +
        `(callback ${formatNumber(inProcess.total.median)} ms − fake amoCRM ${formatNumber(inProcess.fake.median)} ms)${http} · ` +
        `target ≤ ${TARGETS.callbackOverheadMs} ms: ${verdict(target("callback"))}`,
    );
  } else lines.push("callback overhead: not measured");

  if (tokenHotPath) {
    lines.push(
      `token hot path: getAccessToken ${formatSummary(tokenHotPath.getAccessToken, "ops/s")} vs bare read ` +
        `${formatSummary(tokenHotPath.bareRead, "ops/s")} = ${formatRatio(tokenHotPath.ratio)} · ` +
        `target ≥ ${TARGETS.hotPathRatio}×: ${verdict(target("token-hot-path"))}`,
    );
  } else lines.push("token hot path: not measured");

  if (statusLoad) {
    lines.push(
      `status under load: ${formatSummary(statusLoad.status.requestsPerSecond, "req/s")} vs health ` +
        `${formatSummary(statusLoad.health.requestsPerSecond, "req/s")} = ${formatRatio(statusLoad.ratio)}, ` +
        `p99 ${formatSummary(statusLoad.status.p99Ms, "ms")} · target ≥ ${TARGETS.statusRatio}×: ${verdict(target("status-throughput"))}, ` +
        `p99 < ${TARGETS.statusP99Ms} ms: ${verdict(target("status-p99"))}`,
    );
  } else lines.push("status under load: not measured");

  if (pageWeight) {
    const routes = pageWeight.routes
      .map((route) => `${route.route} ${kB(route.gzipBytes)} (+${kB(route.gzipBytes - pageWeight.bare.gzipBytes)})`)
      .join(", ");
    lines.push(
      `page weight (first-load JS, gzip): ${routes} vs bare ${BARE_ROUTE} ${kB(pageWeight.bare.gzipBytes)} · ` +
        `target /guide ≤ bare + ${TARGETS.guideExtraKb} kB: ${verdict(target("guide-weight"))}`,
    );
  } else lines.push("page weight: not measured");

  if (refresh) {
    lines.push(
      `refresh single flight: refreshes per burst of ${refresh.concurrency} ${refresh.inProcess.refreshesPerBurst.join(",")} ` +
        `(1 process), ${refresh.twoProcesses.refreshesPerBurst.join(",")} (2 processes); wall ` +
        `${formatSummary(refresh.inProcess.burst, "ms")} vs single refresh ${formatSummary(refresh.inProcess.single, "ms")} = ` +
        `${formatRatio(refresh.inProcess.ratio)}; 2 processes ${formatSummary(refresh.twoProcesses.burst, "ms")} = ` +
        `${formatRatio(refresh.twoProcesses.ratio)} · target exactly 1: ${verdict(target("refresh-single-flight"))}`,
    );
  } else lines.push("refresh single flight: not measured");

  if (memory) {
    const peak = memory.peakMb === null ? "" : `, peak ${formatNumber(memory.peakMb, 0)} MB`;
    const intake = memory.afterIntakeMb ? `, after the intake load ${formatSummary(memory.afterIntakeMb, "MB", 0)}` : "";
    lines.push(
      `memory (next-server RSS): idle ${formatSummary(memory.idleMb, "MB", 0)}, after the status load ${formatSummary(memory.afterLoadMb, "MB", 0)} ` +
        `= ${memory.ratio.toFixed(2)}×${intake}${peak} · target ≤ ${TARGETS.memoryAfterLoadMb} MB: ${verdict(target("memory-after-load"))}`,
    );
  } else lines.push("memory: not measured");

  if (intakeLoad) {
    lines.push(
      `lead intake under load: ${formatSummary(intakeLoad.subject.requestsPerSecond, "req/s")} vs health ` +
        `${formatSummary(intakeLoad.health.requestsPerSecond, "req/s")} = ${formatRatio(intakeLoad.ratio)}, ` +
        `p99 ${formatSummary(intakeLoad.subject.p99Ms, "ms")} · target ≥ ${TARGETS.intakeRatio}×: ${verdict(target("intake-throughput"))}, ` +
        `p99 < ${TARGETS.intakeP99Ms} ms: ${verdict(target("intake-p99"))}`,
    );
  } else lines.push("lead intake under load: not measured");

  if (delivery) {
    lines.push(
      `lead delivery: ${delivery.leads} leads in ${formatNumber(delivery.seconds)} s vs floor ${formatNumber(delivery.floorSeconds)} s ` +
        `(${delivery.callsNeeded} calls at 7/s) = ${delivery.ratio.toFixed(2)}×; fake saw ${delivery.calls.total} calls, ` +
        `${delivery.calls.rateLimited} × 429 · target ≤ ${TARGETS.deliveryRatio}×: ${verdict(target("delivery-time"))}`,
    );
  } else lines.push("lead delivery: not measured");

  lines.push(`targets met: ${results.targetsMet}/${results.targetsTotal}`);
  return lines;
}

/** The table docs/benchmarks.md shows: one row per figure, median (min–max) everywhere. */
export function markdownTable(results: Results): string {
  const { callback, tokenHotPath, statusLoad, pageWeight, refresh, memory, intakeLoad, delivery } = results.measures;
  const target = (id: string) => results.targets.find((candidate) => candidate.id === id);
  const rows: string[][] = [];
  const dash = "—";

  if (callback) {
    const { inProcess, overHttp } = callback;
    rows.push([
      `Callback overhead, in process (${inProcess.callbacks} callbacks)`,
      `${formatSummary(inProcess.overhead, "ms")}, p95 ${formatNumber(inProcess.overheadP95)} ms (callback ${formatSummary(inProcess.total, "ms")})`,
      `fake amoCRM's handling ${formatSummary(inProcess.fake, "ms")}`,
      `≤ ${TARGETS.callbackOverheadMs} ms`,
      verdict(target("callback")),
    ]);
    if (overHttp) {
      rows.push([
        `Callback overhead, over HTTP through next start (${overHttp.callbacks} callbacks)`,
        `${formatSummary(overHttp.overhead, "ms")}, p95 ${formatNumber(overHttp.overheadP95)} ms (round trip ${formatSummary(overHttp.total, "ms")})`,
        `fake amoCRM's handling ${formatSummary(overHttp.fake, "ms")}`,
        "information",
        dash,
      ]);
    }
  }
  if (tokenHotPath) {
    rows.push([
      "Token hot path: `getAccessToken()`, valid token",
      `${formatSummary(tokenHotPath.getAccessToken, "ops/s")} = **${formatRatio(tokenHotPath.ratio)}**`,
      `bare prepared-statement read of the row ${formatSummary(tokenHotPath.bareRead, "ops/s")}`,
      `≥ ${TARGETS.hotPathRatio}×`,
      verdict(target("token-hot-path")),
    ]);
  }
  if (statusLoad) {
    rows.push([
      `\`GET /api/amocrm/status\`, admin session, ${statusLoad.connections} connections × ${statusLoad.seconds} s`,
      `${formatSummary(statusLoad.status.requestsPerSecond, "req/s")} = **${formatRatio(statusLoad.ratio)}**; p99 ${formatSummary(statusLoad.status.p99Ms, "ms")}`,
      `\`GET /api/health\` ${formatSummary(statusLoad.health.requestsPerSecond, "req/s")}; p99 ${formatSummary(statusLoad.health.p99Ms, "ms")}`,
      `≥ ${TARGETS.statusRatio}×; p99 < ${TARGETS.statusP99Ms} ms`,
      `${verdict(target("status-throughput"))}; ${verdict(target("status-p99"))}`,
    ]);
  }
  if (pageWeight) {
    for (const route of pageWeight.routes) {
      const isGuide = (GUIDE_ROUTES as readonly string[]).includes(route.route);
      rows.push([
        `First-load JS of \`${route.route}\` (gzip -9)`,
        `${kB(route.gzipBytes)} (+${kB(route.gzipBytes - pageWeight.bare.gzipBytes)}; ${kB(route.rawBytes)} raw)`,
        `bare \`${BARE_ROUTE}\` ${kB(pageWeight.bare.gzipBytes)}`,
        isGuide ? `≤ bare + ${TARGETS.guideExtraKb} kB` : "information",
        isGuide ? verdict(target("guide-weight")) : dash,
      ]);
    }
  }
  if (refresh) {
    rows.push([
      `Refresh single flight: ${refresh.concurrency} concurrent calls, expired token, 1 process`,
      `${formatSummary(refresh.inProcess.burst, "ms")} = ${formatRatio(refresh.inProcess.ratio)}; refreshes per burst ${refresh.inProcess.refreshesPerBurst.join(", ")}`,
      `one refresh ${formatSummary(refresh.inProcess.single, "ms")}`,
      "exactly 1 refresh",
      verdict(target("refresh-single-flight")),
    ]);
    rows.push([
      `Refresh single flight: ${refresh.concurrency} concurrent calls in each of 2 processes`,
      `${formatSummary(refresh.twoProcesses.burst, "ms")} = ${formatRatio(refresh.twoProcesses.ratio)}; refreshes per burst ${refresh.twoProcesses.refreshesPerBurst.join(", ")}`,
      `one refresh in one of them ${formatSummary(refresh.twoProcesses.single, "ms")}`,
      "exactly 1 refresh",
      verdict(target("refresh-single-flight")),
    ]);
  }
  if (memory) {
    const peak = memory.peakMb === null ? "" : `; peak ${formatNumber(memory.peakMb, 0)} MB`;
    const intake = memory.afterIntakeMb ? `; after the intake load too ${formatSummary(memory.afterIntakeMb, "MB", 0)}` : "";
    rows.push([
      "next-server resident memory (VmRSS)",
      `after the status load ${formatSummary(memory.afterLoadMb, "MB", 0)} = ${memory.ratio.toFixed(2)}×${intake}${peak}`,
      `idle after start ${formatSummary(memory.idleMb, "MB", 0)}`,
      `≤ ${TARGETS.memoryAfterLoadMb} MB after the loads`,
      verdict(target("memory-after-load")),
    ]);
  }
  if (intakeLoad) {
    rows.push([
      `\`POST /api/v1/leads\`, site key, ${intakeLoad.connections} connections × ${intakeLoad.seconds} s`,
      `${formatSummary(intakeLoad.subject.requestsPerSecond, "req/s")} = **${formatRatio(intakeLoad.ratio)}**; p99 ${formatSummary(intakeLoad.subject.p99Ms, "ms")}`,
      `\`GET /api/health\` ${formatSummary(intakeLoad.health.requestsPerSecond, "req/s")}; p99 ${formatSummary(intakeLoad.health.p99Ms, "ms")}`,
      `≥ ${TARGETS.intakeRatio}×; p99 < ${TARGETS.intakeP99Ms} ms`,
      `${verdict(target("intake-throughput"))}; ${verdict(target("intake-p99"))}`,
    ]);
  }
  if (delivery) {
    const { calls } = delivery;
    rows.push([
      `Delivery of ${formatNumber(delivery.leads, 0)} queued leads (with messages) to the fake amoCRM, first claim to last \`sent\``,
      `${formatNumber(delivery.seconds)} s = **${delivery.ratio.toFixed(2)}×**; ${calls.total} calls (${calls.leadsComplex} complex, ${calls.leadsNotes} notes, ` +
        `${calls.customFields} UTM fields, ${calls.token} token), ${calls.rateLimited} × 429`,
      `floor: ${delivery.callsNeeded} calls at 7 per second = ${formatNumber(delivery.floorSeconds)} s`,
      `≤ ${TARGETS.deliveryRatio}×; no 429`,
      verdict(target("delivery-time")),
    ]);
  }

  const header = ["Measure", "Result: median (min–max)", "Baseline, same run", "Target", "Met"];
  const line = (cells: string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
