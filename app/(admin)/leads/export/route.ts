// GET /leads/export: the lead log as filtered on /leads (`?status=`), every page of it, as a CSV file for Excel.
import { getTranslations } from "next-intl/server";
import { getEnv } from "@/lib/env";
import { withAdminRoute } from "@/lib/http/route";
import { getErrorDescriber } from "@/lib/i18n/errors";
import { CSV_BOM, csvRow, type CsvValue } from "@/lib/leads/csv";
import { dayKey, timeZoneOffsetMinutes, wallClock } from "@/lib/leads/days";
import { UTM_KEYS } from "@/lib/leads/input";
import { getLeadLinkDomain, readLeadLog, type LeadLogEntry } from "@/lib/leads/lead-log";
import type { PageCursor } from "@/lib/leads/page-cursor";
import { parseStatusFilter } from "../href";

export const dynamic = "force-dynamic";

/** Leads read and written per step of the stream: memory stays flat however many leads there are. */
const EXPORT_PAGE_SIZE = 500;

export const GET = withAdminRoute(async ({ request }) => {
  const status = parseStatusFilter(new URL(request.url).searchParams.get("status"));
  // Everything that needs the request (language, session) is read now: the body is produced after this returns.
  const [t, describe, domain] = await Promise.all([getTranslations("leadsPage"), getErrorDescriber(), getLeadLinkDomain()]);
  const timeZone = getEnv().timeZone;
  const local = (at: Date | null) => (at ? wallClock(at, timeZoneOffsetMinutes(timeZone, at)) : null);

  const header = [
    t("csv.id"),
    t("csv.received", { timeZone }),
    t("csv.status"),
    t("csv.name"),
    t("csv.phone"),
    t("csv.email"),
    t("csv.message"),
    t("csv.source"),
    t("csv.pageUrl"),
    ...UTM_KEYS.map((key) => `utm_${key}`),
    t("csv.attempts"),
    t("csv.lastErrorCode"),
    t("csv.lastError"),
    t("csv.amocrmReason"),
    t("csv.amocrmLeadId"),
    t("csv.amocrmUrl"),
    t("csv.sent", { timeZone }),
  ];
  const row = (lead: LeadLogEntry): string => {
    const person = lead.person;
    const present = person.kind === "present" ? person : null;
    const values: CsvValue[] = [
      lead.id,
      local(lead.createdAt),
      t(`statuses.${lead.status}`),
      present ? present.name : person.kind === "erased" ? t("csv.erased") : t("csv.unreadable"),
      present?.phone,
      present?.email,
      present?.message,
      lead.source,
      present?.pageUrl,
      ...UTM_KEYS.map((key) => present?.utm[key]),
      lead.attempts,
      lead.error?.code,
      lead.error?.message,
      lead.error?.amocrmReason,
      lead.amocrm?.leadId,
      lead.amocrm?.url,
      local(lead.sentAt),
    ];
    return csvRow(values);
  };

  const encoder = new TextEncoder();
  let before: PageCursor | null = null;
  let headerSent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(CSV_BOM + csvRow(header)));
        return;
      }
      try {
        const page = await readLeadLog({ status, before, limit: EXPORT_PAGE_SIZE, describe, domain });
        if (page.entries.length > 0) controller.enqueue(encoder.encode(page.entries.map(row).join("")));
        if (page.older) before = page.older;
        else controller.close();
      } catch (error) {
        // The kind of failure only: a lead's content never reaches the log.
        console.error(`[leads] CSV export failed: ${error instanceof Error ? error.name : typeof error}`);
        controller.error(error);
      }
    },
  });

  const now = new Date();
  const filename = `leads-${status ?? "all"}-${dayKey(now, timeZoneOffsetMinutes(timeZone, now))}.csv`;
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
});
