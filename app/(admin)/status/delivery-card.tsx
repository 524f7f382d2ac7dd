import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { TroubleshootingLink } from "@/components/guide/troubleshooting-link";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { countLeadsByStatus, getDeliveryState, listLeadsPage } from "@/lib/db/leads";
import { isErrorCode, type ErrorCode } from "@/lib/error-codes";
import { describeError } from "@/lib/i18n/errors";

const COUNTED = ["queued", "held", "dead"] as const;

/**
 * The lead queue at a glance: what waits, what is held and what was given up (each a link to those leads), the last
 * delivery, and why deliveries are held when they are. Its explanations name no "How to fix this" link, so the page's
 * own error explanation stays the one alert that carries it.
 */
export async function DeliveryCard({ now }: { now: Date }) {
  const [t, format, counts, delivery, [newestHeld]] = await Promise.all([
    getTranslations("status"),
    getFormatter(),
    countLeadsByStatus(),
    getDeliveryState(),
    listLeadsPage({ status: "held", limit: 1 }),
  ]);
  const paused = delivery.holdUntil && delivery.holdUntil.getTime() > now.getTime() ? delivery.holdUntil : null;
  const pauseCode: ErrorCode = delivery.holdReason && isErrorCode(delivery.holdReason) ? delivery.holdReason : "account_blocked";
  const heldCode: ErrorCode = newestHeld?.lastErrorCode && isErrorCode(newestHeld.lastErrorCode) ? newestHeld.lastErrorCode : "not_connected";

  return (
    <Card title={t("delivery.title")}>
      <div className="grid gap-3 sm:grid-cols-3">
        {COUNTED.map((status) => (
          <Link
            key={status}
            href={`/leads?status=${status}`}
            className="rounded-lg border border-slate-200 px-4 py-3 hover:border-sky-600 hover:bg-sky-50 focus-visible:outline-2 focus-visible:outline-sky-600"
          >
            <span className="block text-sm font-medium text-slate-600">{t(`delivery.${status}`)}</span>{" "}
            <span className="block text-2xl font-semibold text-slate-900">{format.number(counts[status], "integer")}</span>
          </Link>
        ))}
      </div>
      <dl className="mt-4">
        <div className="grid gap-1 py-2 sm:grid-cols-3">
          <dt className="text-sm font-medium text-slate-600">{t("delivery.lastDelivered")}</dt>
          <dd data-testid="last-delivery" className="text-sm text-slate-900 sm:col-span-2">
            {delivery.lastDeliveredAt
              ? t("fields.dateWithRelative", { date: format.dateTime(delivery.lastDeliveredAt, "moment"), relative: format.relativeTime(delivery.lastDeliveredAt, now) })
              : t("fields.never")}
          </dd>
        </div>
      </dl>
      {paused && (
        <Alert tone="warning" className="mt-4" title={t("delivery.pausedUntil", { date: format.dateTime(paused, "moment") })}>
          <p>{await describeError(pauseCode)}</p>
          <p className="mt-2">
            <TroubleshootingLink code={pauseCode} className="font-medium underline">
              {t("delivery.whatToDo")}
            </TroubleshootingLink>
          </p>
        </Alert>
      )}
      {!paused && counts.held > 0 && (
        <Alert tone="warning" className="mt-4" title={t("delivery.heldBecause", { count: counts.held })}>
          <p>{await describeError(heldCode)}</p>
          <p className="mt-2">
            <TroubleshootingLink code={heldCode} className="font-medium underline">
              {t("delivery.whatToDo")}
            </TroubleshootingLink>
          </p>
        </Alert>
      )}
    </Card>
  );
}
