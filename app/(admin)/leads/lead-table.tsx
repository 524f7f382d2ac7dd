import { getFormatter, getTranslations } from "next-intl/server";
import { Button } from "@/components/ui/button";
import type { LeadStatus } from "@/lib/leads/delivery-outcome";
import type { LeadLogEntry } from "@/lib/leads/lead-log";
import { retryLeadAction } from "./actions";

export const STATUS_STYLE: Record<LeadStatus, string> = {
  queued: "bg-slate-200 text-slate-800",
  sending: "bg-sky-100 text-sky-900",
  sent: "bg-emerald-100 text-emerald-900",
  held: "bg-amber-100 text-amber-900",
  dead: "bg-red-100 text-red-900",
};

const cell = "px-3 py-2 align-top";

/** One page of the lead log as a table: a lead per row, its personal data only as far as it still exists. */
export async function LeadTable({ entries, caption, filter }: { entries: LeadLogEntry[]; caption: string; filter: LeadStatus | undefined }) {
  const [t, format] = await Promise.all([getTranslations("leadsPage"), getFormatter()]);
  const muted = (text: string) => <span className="text-slate-600 italic">{text}</span>;

  return (
    // Wide on a phone: the table scrolls inside a region a keyboard can focus and a screen reader can name.
    <div role="region" aria-labelledby="lead-table-caption" tabIndex={0} className="overflow-x-auto rounded-lg border border-slate-200 focus-visible:outline-2 focus-visible:outline-sky-600">
      <table className="min-w-full text-left text-sm">
        <caption id="lead-table-caption" className="sr-only">
          {caption}
        </caption>
        <thead className="bg-slate-50 text-xs font-semibold text-slate-700">
          <tr>
            {(["received", "status", "name", "contact", "source", "attempts", "lastError", "amocrm", "actions"] as const).map((column) => (
              <th key={column} scope="col" className="px-3 py-2 whitespace-nowrap">
                {t(`table.${column}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((lead) => (
            <tr key={lead.id}>
              <td className={`${cell} min-w-28`}>
                <time dateTime={lead.createdAt.toISOString()}>{format.dateTime(lead.createdAt, "moment")}</time>
              </td>
              <td className={cell}>
                <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold whitespace-nowrap ${STATUS_STYLE[lead.status]}`}>{t(`statuses.${lead.status}`)}</span>
              </td>
              <td className={`${cell} min-w-32 break-words`}>
                {lead.person.kind === "present" ? lead.person.name : muted(lead.person.kind === "erased" ? t("erased") : t("unreadable"))}
              </td>
              <td className={`${cell} break-all`}>
                {lead.person.kind === "present" ? (
                  lead.person.phone || lead.person.email ? (
                    <>
                      {lead.person.phone && <div className="whitespace-nowrap">{lead.person.phone}</div>}
                      {lead.person.email && <div>{lead.person.email}</div>}
                    </>
                  ) : (
                    muted(t("noContact"))
                  )
                ) : (
                  muted(lead.person.kind === "erased" ? t("erased") : t("unreadable"))
                )}
              </td>
              <td className={`${cell} break-words`}>{lead.source ?? muted(t("noSource"))}</td>
              <td className={`${cell} text-right tabular-nums`}>{format.number(lead.attempts, "integer")}</td>
              <td className={cell}>
                {/* The width is the error's own, so a page without errors does not reserve a wide empty column. */}
                {lead.error && (
                  <div className="min-w-56">
                    <p className="text-slate-900">{lead.error.message}</p>
                    {lead.error.amocrmReason && <p className="mt-1 text-red-800">{t("amocrmReason", { reason: lead.error.amocrmReason })}</p>}
                  </div>
                )}
              </td>
              <td className={`${cell} whitespace-nowrap`}>
                {lead.amocrm ? (
                  lead.amocrm.url ? (
                    <a href={lead.amocrm.url} rel="noreferrer" className="font-medium text-sky-800 underline">
                      {t("amocrmLink", { id: lead.amocrm.leadId })}
                    </a>
                  ) : (
                    t("amocrmLink", { id: lead.amocrm.leadId })
                  )
                ) : (
                  muted(t("notSent"))
                )}
                {lead.sentAt && <div className="text-xs text-slate-600">{t("sentAt", { date: format.dateTime(lead.sentAt, "moment") })}</div>}
              </td>
              <td className={cell}>
                {lead.status === "dead" && (
                  <form action={retryLeadAction}>
                    <input type="hidden" name="id" value={lead.id} />
                    {filter && <input type="hidden" name="status" value={filter} />}
                    <Button type="submit" variant="secondary" size="sm">
                      {t("actions.retry")}
                    </Button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
