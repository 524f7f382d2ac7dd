import type { Formats } from "next-intl";

/**
 * The app's named date and number formats, so every page shows a moment the same way. next-intl applies the
 * request's language and APP_TIME_ZONE to each of them (lib/i18n/request.ts). Pure: safe for the browser.
 */
export const FORMATS = {
  dateTime: {
    /** A moment an admin reads: "Nov 27, 2026, 2:00 PM". */
    moment: { dateStyle: "medium", timeStyle: "short" },
    /** A logged event, to the second: "11/27/26, 2:00:00 PM". */
    logged: { dateStyle: "short", timeStyle: "medium" },
    /** A calendar day: "Dec 2, 2026". */
    day: { dateStyle: "medium" },
    /** A day on a chart's axis: "Dec 2". */
    dayShort: { month: "short", day: "numeric" },
  },
  number: {
    /** A whole count such as milliseconds of latency. */
    integer: { maximumFractionDigits: 0 },
  },
} as const satisfies Formats;
