/**
 * Calendar days in the dashboard's time zone (APP_TIME_ZONE), for the lead chart and the CSV's times. The chart reads
 * the zone's offset once for its window: exact for zones without daylight saving time (Asia/Tashkent and the region's
 * others); elsewhere, days before a clock change within the window are cut an hour off. Pure: safe for the browser.
 */

const DAY_MS = 86_400_000;

// Building a formatter costs far more than using one, and the CSV export asks once per lead.
const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = wallClockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    wallClockFormats.set(timeZone, format);
  }
  return format;
}

/** Minutes the zone is ahead of UTC at `at` (Asia/Tashkent: 300). */
export function timeZoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = wallClockFormat(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  const whole = Math.floor(at.getTime() / 1000) * 1000;
  return Math.round((wall - whole) / 60_000);
}

/** `YYYY-MM-DD` of the day `at` falls on, `offsetMinutes` ahead of UTC. */
export function dayKey(at: Date, offsetMinutes: number): string {
  return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD HH:mm:ss` on the wall clock `offsetMinutes` ahead of UTC: what a spreadsheet reads as a date and time. */
export function wallClock(at: Date, offsetMinutes: number): string {
  return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19).replace("T", " ");
}

/** Noon of a day in the zone: a moment that formats as that day in the zone whatever the hour of the offset. */
export function middayOf(day: string, offsetMinutes: number): Date {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date, 12) - offsetMinutes * 60_000);
}

/** The last `days` days up to and including today, oldest first, and the moment the first of them began. */
export function dayWindow({ now, offsetMinutes, days }: { now: Date; offsetMinutes: number; days: number }): { days: string[]; since: Date } {
  const today = Date.parse(`${dayKey(now, offsetMinutes)}T00:00:00Z`);
  const keys = Array.from({ length: days }, (_, index) => new Date(today - (days - 1 - index) * DAY_MS).toISOString().slice(0, 10));
  return { days: keys, since: new Date(today - (days - 1) * DAY_MS - offsetMinutes * 60_000) };
}
