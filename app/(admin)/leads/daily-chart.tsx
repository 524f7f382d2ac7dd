import { getFormatter, getTranslations } from "next-intl/server";
import { CHART_SERIES, chartGeometry, type ChartSeries, type DayCounts } from "@/lib/leads/daily-chart";
import { middayOf } from "@/lib/leads/days";

const SERIES_STYLE: Record<ChartSeries, { bar: string; swatch: string }> = {
  received: { bar: "fill-sky-600", swatch: "bg-sky-600" },
  sent: { bar: "fill-emerald-600", swatch: "bg-emerald-600" },
  dead: { bar: "fill-red-600", swatch: "bg-red-600" },
};

/**
 * Leads received, delivered and dead per day, as plain SVG: one image with a title and a description that gives the
 * totals, and the same numbers as a table for anyone who cannot see the bars (or wants the exact values).
 */
export async function DailyChart({ series, offsetMinutes, timeZone }: { series: DayCounts[]; offsetMinutes: number; timeZone: string }) {
  const [t, format] = await Promise.all([getTranslations("leadsPage.chart"), getFormatter()]);
  const chart = chartGeometry(series);
  const totals = Object.fromEntries(CHART_SERIES.map((name) => [name, series.reduce((sum, day) => sum + day[name], 0)])) as Record<ChartSeries, number>;
  const dayOf = (day: string) => middayOf(day, offsetMinutes);

  return (
    <div className="space-y-3">
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700">
        {CHART_SERIES.map((name) => (
          <li key={name} className="flex items-center gap-2">
            <span aria-hidden="true" className={`inline-block h-3 w-3 rounded-sm ${SERIES_STYLE[name].swatch}`} />
            {t(name)}
          </li>
        ))}
      </ul>
      <svg role="img" aria-labelledby="leads-chart-title" aria-describedby="leads-chart-desc" viewBox={`0 0 ${chart.width} ${chart.height}`} className="h-auto w-full">
        <title id="leads-chart-title">{t("label")}</title>
        <desc id="leads-chart-desc">{t("summary", totals)}</desc>
        {chart.ticks.map((tick) => (
          <g key={tick.value}>
            <line x1={chart.plot.x} x2={chart.plot.x + chart.plot.width} y1={tick.y} y2={tick.y} className="stroke-slate-200" strokeWidth={1} />
            <text x={chart.plot.x - 6} y={tick.y} textAnchor="end" dominantBaseline="middle" className="fill-slate-600 text-[11px]">
              {format.number(tick.value, "integer")}
            </text>
          </g>
        ))}
        {chart.groups.map((group) => (
          <g key={group.day}>
            {group.bars.map((bar) =>
              bar.height > 0 ? <rect key={bar.series} x={bar.x} y={bar.y} width={bar.width} height={bar.height} className={SERIES_STYLE[bar.series].bar} /> : null,
            )}
            {group.labelled && (
              <text x={group.center} y={chart.height - 8} textAnchor="middle" className="fill-slate-600 text-[11px]">
                {format.dateTime(dayOf(group.day), "dayShort")}
              </text>
            )}
          </g>
        ))}
        <line
          x1={chart.plot.x}
          x2={chart.plot.x + chart.plot.width}
          y1={chart.plot.y + chart.plot.height}
          y2={chart.plot.y + chart.plot.height}
          className="stroke-slate-400"
          strokeWidth={1}
        />
      </svg>
      <details className="text-sm">
        <summary className="cursor-pointer font-medium text-sky-800 underline">{t("showTable")}</summary>
        <table className="mt-2 w-full max-w-md text-left">
          <caption className="mb-1 text-left text-slate-600">{t("tableCaption", { timeZone })}</caption>
          <thead>
            <tr className="border-b border-slate-200">
              <th scope="col" className="py-1 pr-4 font-semibold">
                {t("day")}
              </th>
              {CHART_SERIES.map((name) => (
                <th key={name} scope="col" className="py-1 pr-4 text-right font-semibold">
                  {t(name)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {/* Newest first, like the lead list: today is the row an admin looks for. */}
            {[...series].reverse().map((day) => (
              <tr key={day.day} className="border-b border-slate-100">
                <th scope="row" className="py-1 pr-4 font-normal">
                  <time dateTime={day.day}>{format.dateTime(dayOf(day.day), "day")}</time>
                </th>
                {CHART_SERIES.map((name) => (
                  <td key={name} className="py-1 pr-4 text-right tabular-nums">
                    {format.number(day[name], "integer")}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
