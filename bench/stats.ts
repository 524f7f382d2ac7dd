// Small statistics for the benchmark: every figure is a median with its min–max over at least 5 repetitions.

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** How many values the figure summarizes. */
  n: number;
}

export const MIN_REPETITIONS = 5;

function sortedCopy(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error("no values to summarize");
  if (values.some((value) => !Number.isFinite(value))) throw new Error("a measured value is not a finite number");
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile (0–100) of the values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = sortedCopy(values);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = sortedCopy(values);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? Number.NaN)
      : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN, n: sorted.length };
}

/** Element-wise a[i] / b[i]: the ratio of each repetition to the baseline measured right next to it. */
export function pairedRatios(values: readonly number[], baselines: readonly number[]): number[] {
  if (values.length !== baselines.length) throw new Error("paired ratios need as many baselines as values");
  return values.map((value, index) => value / (baselines[index] ?? Number.NaN));
}

/** Element-wise a[i] - b[i]. */
export function pairedDifferences(values: readonly number[], baselines: readonly number[]): number[] {
  if (values.length !== baselines.length) throw new Error("paired differences need as many baselines as values");
  return values.map((value, index) => value - (baselines[index] ?? Number.NaN));
}

/** 1234.5 → "1,235"; 12.345 → "12.3"; 1.2345 → "1.23". */
export function formatNumber(value: number, digits?: number): string {
  const places = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString("en-US", { minimumFractionDigits: places, maximumFractionDigits: places });
}

/** "2.31 ms (1.90–6.20)" */
export function formatSummary(summary: Summary, unit = "", digits?: number): string {
  const suffix = unit ? ` ${unit}` : "";
  return `${formatNumber(summary.median, digits)}${suffix} (${formatNumber(summary.min, digits)}–${formatNumber(summary.max, digits)})`;
}

/** Ratios read better with a fixed two decimals: "0.56× (0.51–0.60)". */
export function formatRatio(summary: Summary): string {
  return `${summary.median.toFixed(2)}× (${summary.min.toFixed(2)}–${summary.max.toFixed(2)})`;
}
