/**
 * The geometry of the leads-per-day chart on /leads: three bars a day (received, delivered, dead) on a shared scale,
 * in SVG user units. No chart library: the page draws these rectangles itself. Pure: safe for the browser.
 */

export const CHART_SERIES = ["received", "sent", "dead"] as const;
export type ChartSeries = (typeof CHART_SERIES)[number];

export type DayCounts = { day: string } & Record<ChartSeries, number>;

/** One entry per day of `days`, in that order, zero where `counts` has nothing. */
export function fillDays(days: readonly string[], counts: readonly DayCounts[]): DayCounts[] {
  const byDay = new Map(counts.map((entry) => [entry.day, entry]));
  return days.map((day) => {
    const found = byDay.get(day);
    return { day, received: found?.received ?? 0, sent: found?.sent ?? 0, dead: found?.dead ?? 0 };
  });
}

/** The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `value` (and at least 1). */
export function niceStep(value: number): number {
  if (!(value > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * power >= value) return factor * power;
  }
  return 10 * power;
}

export interface Bar {
  series: ChartSeries;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DayGroup {
  day: string;
  /** The middle of the day's group, for its label. */
  center: number;
  /** Whether the axis names this day: today and every seventh day before it. */
  labelled: boolean;
  bars: Bar[];
}

export interface ChartGeometry {
  width: number;
  height: number;
  plot: { x: number; y: number; width: number; height: number };
  /** The top of the scale: a whole number of ticks above the largest count. */
  max: number;
  ticks: { value: number; y: number }[];
  groups: DayGroup[];
}

export interface ChartLayout {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export const DEFAULT_LAYOUT: ChartLayout = { width: 720, height: 240, margin: { top: 12, right: 8, bottom: 28, left: 40 } };

const round = (value: number) => Math.round(value * 100) / 100;
/** A count above zero is drawn at least this tall, so one lead among a hundred still shows. */
const MIN_BAR_HEIGHT = 1.5;

export function chartGeometry(series: readonly DayCounts[], layout: ChartLayout = DEFAULT_LAYOUT): ChartGeometry {
  const { width, height, margin } = layout;
  const plot = { x: margin.left, y: margin.top, width: width - margin.left - margin.right, height: height - margin.top - margin.bottom };
  const largest = Math.max(0, ...series.flatMap((day) => CHART_SERIES.map((name) => day[name])));
  const step = niceStep(largest / 4);
  const max = Math.max(step, Math.ceil(largest / step) * step);
  const yOf = (value: number) => round(plot.y + plot.height - (value / max) * plot.height);
  const ticks = Array.from({ length: max / step + 1 }, (_, index) => ({ value: index * step, y: yOf(index * step) }));

  const groupWidth = series.length > 0 ? plot.width / series.length : 0;
  const barWidth = (groupWidth * 0.7) / CHART_SERIES.length;
  const groups = series.map((day, index) => {
    const left = plot.x + index * groupWidth;
    const bars = CHART_SERIES.map((name, position) => {
      const value = day[name];
      const barHeight = value > 0 ? Math.max(MIN_BAR_HEIGHT, (value / max) * plot.height) : 0;
      return {
        series: name,
        value,
        x: round(left + groupWidth * 0.15 + position * barWidth),
        y: round(plot.y + plot.height - barHeight),
        width: round(barWidth),
        height: round(barHeight),
      };
    });
    return { day: day.day, center: round(left + groupWidth / 2), labelled: (series.length - 1 - index) % 7 === 0, bars };
  });
  return { width, height, plot, max, ticks, groups };
}
