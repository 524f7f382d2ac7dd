/**
 * The `before` parameter of /leads and its CSV export: where the next (older) page starts, as the last row seen,
 * `<created_at in ms>_<lead id>`. Readable on purpose, since it sits in a shareable URL; anything else is refused, so a
 * hand-edited link shows the first page instead of an error. Pure: safe for the browser.
 */

export interface PageCursor {
  createdAt: Date;
  id: string;
}

const CURSOR = /^(\d{1,15})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
// The largest moment a Date can hold; a 15-digit number of milliseconds stays below it.
const MAX_TIME_MS = 8.64e15;

export function encodePageCursor({ createdAt, id }: PageCursor): string {
  return `${createdAt.getTime()}_${id}`;
}

/** The cursor in `value`, or null for anything that is not exactly what encodePageCursor makes. */
export function decodePageCursor(value: unknown): PageCursor | null {
  if (typeof value !== "string") return null;
  const match = CURSOR.exec(value);
  if (!match) return null;
  const ms = Number(match[1]);
  if (!Number.isSafeInteger(ms) || ms > MAX_TIME_MS) return null;
  // Leading zeros would make two spellings of one cursor.
  if (String(ms) !== match[1]) return null;
  return { createdAt: new Date(ms), id: match[2]! };
}
