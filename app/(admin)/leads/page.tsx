import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { countLeadsByStatus, countLeadsPerDay } from "@/lib/db/leads";
import { getEnv } from "@/lib/env";
import { getErrorDescriber } from "@/lib/i18n/errors";
import { fillDays } from "@/lib/leads/daily-chart";
import { dayWindow, timeZoneOffsetMinutes } from "@/lib/leads/days";
import { LEAD_STATUSES, type LeadStatus } from "@/lib/leads/delivery-outcome";
import { getLeadLinkDomain, readLeadLog } from "@/lib/leads/lead-log";
import { decodePageCursor, encodePageCursor } from "@/lib/leads/page-cursor";
import { retryAllDeadLeadsAction } from "./actions";
import { DailyChart } from "./daily-chart";
import { exportHref, leadsHref, parseStatusFilter } from "./href";
import { LeadTable } from "./lead-table";

export const dynamic = "force-dynamic";

const CHART_DAYS = 30;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("leadsPage");
  return { title: t("title") };
}

export default async function LeadsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [params, t, describe, domain] = await Promise.all([searchParams, getTranslations("leadsPage"), getErrorDescriber(), getLeadLinkDomain()]);
  const filter = parseStatusFilter(params.status);
  // A cursor that does not parse (a hand-edited link) shows the newest page rather than an error.
  const before = decodePageCursor(params.before);
  const retried = typeof params.retried === "string" && /^\d{1,9}$/.test(params.retried) ? Number(params.retried) : null;

  const env = getEnv();
  const now = new Date();
  const offsetMinutes = timeZoneOffsetMinutes(env.timeZone, now);
  const window = dayWindow({ now, offsetMinutes, days: CHART_DAYS });
  const [page, counts, perDay] = await Promise.all([
    readLeadLog({ status: filter, before, describe, domain }),
    countLeadsByStatus(),
    countLeadsPerDay({ since: window.since, offsetMinutes }),
  ]);
  const total = LEAD_STATUSES.reduce((sum, status) => sum + counts[status], 0);
  const statusLabel = (status: LeadStatus) => t(`statuses.${status}`);
  const filterLinks: { status: LeadStatus | undefined; label: string; count: number }[] = [
    { status: undefined, label: t("filter.all"), count: total },
    ...LEAD_STATUSES.map((status) => ({ status, label: statusLabel(status), count: counts[status] })),
  ];

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">{t("title")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("intro")}</p>
      </div>

      {retried !== null && (
        <Alert tone={retried > 0 ? "success" : "info"} role="status">
          {t("retried", { count: retried })}
        </Alert>
      )}

      <Card title={t("chart.title")}>
        <DailyChart series={fillDays(window.days, perDay)} offsetMinutes={offsetMinutes} timeZone={env.timeZone} />
      </Card>

      <section aria-labelledby="lead-list-title" className="space-y-4">
        <h2 id="lead-list-title" className="sr-only">
          {t("table.caption")}
        </h2>
        <nav aria-label={t("filter.label")}>
          <ul className="flex flex-wrap gap-2">
            {filterLinks.map((link) => {
              const current = link.status === filter;
              return (
                <li key={link.status ?? "all"}>
                  <Link
                    href={leadsHref({ status: link.status })}
                    aria-current={current ? "page" : undefined}
                    className={`inline-block rounded-full border px-3 py-1 text-sm font-medium ${current ? "border-sky-700 bg-sky-700 text-white" : "border-slate-300 bg-white text-slate-800 hover:bg-slate-50"}`}
                  >
                    {t("filter.count", { label: link.label, count: link.count })}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>

        <div className="flex flex-wrap items-center gap-3">
          {counts.dead > 0 && (
            <form action={retryAllDeadLeadsAction}>
              {filter && <input type="hidden" name="status" value={filter} />}
              <Button type="submit" variant="primary">
                {t("actions.retryAll", { count: counts.dead })}
              </Button>
            </form>
          )}
          {/* A download, not a page: a plain link so the browser saves what the route streams. */}
          <a href={exportHref(filter)} download className={buttonClass("secondary")} aria-describedby="lead-export-help">
            {t("actions.export")}
          </a>
          <span id="lead-export-help" className="text-sm text-slate-600">
            {t("actions.exportHelp")}
          </span>
        </div>

        {page.entries.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">
            {filter ? t("emptyFiltered") : t("empty")}
          </p>
        ) : (
          <LeadTable
            entries={page.entries}
            filter={filter}
            caption={filter ? t("table.captionFiltered", { status: statusLabel(filter) }) : t("table.caption")}
          />
        )}

        {(before || page.older) && (
          <nav aria-label={t("paging.label")} className="flex flex-wrap gap-3">
            {before && (
              <Link href={leadsHref({ status: filter })} className={buttonClass("secondary")}>
                {t("paging.newest")}
              </Link>
            )}
            {page.older && (
              <Link href={leadsHref({ status: filter, before: encodePageCursor(page.older) })} className={buttonClass("secondary")}>
                {t("paging.older")}
              </Link>
            )}
          </nav>
        )}
      </section>
    </div>
  );
}
