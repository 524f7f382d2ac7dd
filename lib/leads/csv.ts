/**
 * CSV for spreadsheets (RFC 4180): comma-separated, CRLF line ends, a cell quoted when it holds a quote, comma or line
 * break, quotes doubled. A text cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a
 * carriage return) gets a leading apostrophe, so a lead's name such as `=HYPERLINK(...)` stays text (OWASP's "CSV
 * injection"). Numbers are written as they are. Pure: safe for the browser.
 */

/** UTF-8's byte order mark: without it Excel reads the file in the system's code page and garbles Cyrillic. */
export const CSV_BOM = "\uFEFF";

export type CsvValue = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One line of the file, with its CRLF. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
