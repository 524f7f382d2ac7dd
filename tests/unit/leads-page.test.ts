import { describe, expect, it } from "vitest";
import { CSV_BOM, csvCell, csvRow } from "@/lib/leads/csv";
import { chartGeometry, fillDays, niceStep, type DayCounts } from "@/lib/leads/daily-chart";
import { dayKey, dayWindow, middayOf, timeZoneOffsetMinutes, wallClock } from "@/lib/leads/days";
import { decodePageCursor, encodePageCursor } from "@/lib/leads/page-cursor";

// The pure pieces of /leads: the CSV export's cells, the page cursor in its URL, and the chart's days and shapes.

describe("CSV cells", () => {
  it("quotes only cells that need it, doubling quotes, and ends rows with CRLF", () => {
    expect(csvCell("Ali Valiyev")).toBe("Ali Valiyev");
    expect(csvCell("Valiyev, Ali")).toBe('"Valiyev, Ali"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("line 1\nline 2")).toBe('"line 1\nline 2"');
    expect(csvCell("line 1\r\nline 2")).toBe('"line 1\r\nline 2"');
    expect(csvCell("Ёлка, ўзбек тили: Oʻzbekiston")).toBe('"Ёлка, ўзбек тили: Oʻzbekiston"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell("")).toBe("");
    expect(csvRow(["a", 'b"c', null, 3])).toBe('a,"b""c",,3\r\n');
  });

  it("neutralizes text a spreadsheet would run as a formula, and leaves numbers alone", () => {
    expect(csvCell("=HYPERLINK(\"http://evil\",\"x\")")).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell("+998901234567")).toBe("'+998901234567");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1:A2)")).toBe("'@SUM(A1:A2)");
    expect(csvCell("\t=1+1")).toBe("'\t=1+1");
    expect(csvCell("\r=1+1")).toBe(`"'\r=1+1"`);
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell(42)).toBe("42");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(Number.NaN)).toBe("");
  });

  it("has the UTF-8 byte order mark Excel needs", () => {
    expect(Buffer.from(CSV_BOM, "utf8")).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe("page cursor", () => {
  const cursor = { createdAt: new Date("2026-12-01T10:00:00.123Z"), id: "5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f" };

  it("round-trips the last row seen", () => {
    const encoded = encodePageCursor(cursor);
    expect(encoded).toBe("1796119200123_5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f");
    expect(decodePageCursor(encoded)).toEqual(cursor);
  });

  it("refuses anything it did not make", () => {
    for (const garbage of [
      undefined,
      null,
      42,
      ["1796119200123_5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f"],
      "",
      "abc",
      "1796119200123",
      "1796119200123_",
      "_5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f",
      "01796119200123_5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f",
      "-1_5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f",
      "1.5_5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f",
      "9999999999999999_5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f",
      "1796119200123_5F0C2B1E-8A4D-4C3B-9E2F-1A2B3C4D5E6F",
      "1796119200123_5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f ",
      "1796119200123_5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f' OR 1=1 --",
      "1796119200123_not-a-uuid",
    ]) {
      expect(decodePageCursor(garbage), String(garbage)).toBeNull();
    }
  });
});

describe("days in the dashboard's time zone", () => {
  it("reads a zone's offset, with and without daylight saving time", () => {
    expect(timeZoneOffsetMinutes("Asia/Tashkent", new Date("2026-07-01T12:00:00Z"))).toBe(300);
    expect(timeZoneOffsetMinutes("UTC", new Date("2026-07-01T12:00:00.999Z"))).toBe(0);
    expect(timeZoneOffsetMinutes("Europe/Berlin", new Date("2026-07-01T12:00:00Z"))).toBe(120);
    expect(timeZoneOffsetMinutes("Europe/Berlin", new Date("2026-01-01T12:00:00Z"))).toBe(60);
    expect(timeZoneOffsetMinutes("America/St_Johns", new Date("2026-01-01T12:00:00Z"))).toBe(-210);
  });

  it("puts a moment on the zone's calendar day, not UTC's", () => {
    // 20:30 UTC on Dec 1 is 01:30 on Dec 2 in Tashkent.
    expect(dayKey(new Date("2026-12-01T20:30:00Z"), 300)).toBe("2026-12-02");
    expect(dayKey(new Date("2026-12-01T18:59:59Z"), 300)).toBe("2026-12-01");
    expect(wallClock(new Date("2026-12-01T20:30:05.250Z"), 300)).toBe("2026-12-02 01:30:05");
    expect(middayOf("2026-12-02", 300).toISOString()).toBe("2026-12-02T07:00:00.000Z");
  });

  it("gives the last 30 days up to today and the moment the first began", () => {
    const { days, since } = dayWindow({ now: new Date("2026-12-01T20:30:00Z"), offsetMinutes: 300, days: 30 });
    expect(days).toHaveLength(30);
    expect(days[29]).toBe("2026-12-02");
    expect(days[0]).toBe("2026-11-03");
    // Midnight of Nov 3 in Tashkent.
    expect(since.toISOString()).toBe("2026-11-02T19:00:00.000Z");
    const across = dayWindow({ now: new Date("2027-01-02T00:00:00Z"), offsetMinutes: 0, days: 3 });
    expect(across.days).toEqual(["2026-12-31", "2027-01-01", "2027-01-02"]);
  });
});

describe("chart", () => {
  const days = ["2026-11-30", "2026-12-01", "2026-12-02"];

  it("fills days without leads with zeros, in the window's order, and drops days outside it", () => {
    const filled = fillDays(days, [
      { day: "2026-12-02", received: 5, sent: 4, dead: 1 },
      { day: "2026-11-29", received: 9, sent: 9, dead: 0 },
    ]);
    expect(filled).toEqual([
      { day: "2026-11-30", received: 0, sent: 0, dead: 0 },
      { day: "2026-12-01", received: 0, sent: 0, dead: 0 },
      { day: "2026-12-02", received: 5, sent: 4, dead: 1 },
    ]);
  });

  it("picks round tick steps", () => {
    expect([0, 0.5, 1, 1.75, 2, 3, 15, 20, 21, 250, 2500].map(niceStep)).toEqual([1, 1, 1, 2, 2, 5, 20, 20, 50, 500, 5000]);
  });

  it("scales bars to a round maximum, grows them from the baseline and keeps them inside the plot", () => {
    const series: DayCounts[] = [
      { day: days[0]!, received: 60, sent: 30, dead: 0 },
      { day: days[1]!, received: 1, sent: 0, dead: 0 },
      { day: days[2]!, received: 7, sent: 6, dead: 1 },
    ];
    const chart = chartGeometry(series, { width: 330, height: 120, margin: { top: 10, right: 0, bottom: 10, left: 30 } });
    expect(chart.plot).toEqual({ x: 30, y: 10, width: 300, height: 100 });
    expect(chart.max).toBe(60);
    expect(chart.ticks).toEqual([
      { value: 0, y: 110 },
      { value: 20, y: 76.67 },
      { value: 40, y: 43.33 },
      { value: 60, y: 10 },
    ]);
    const [first, second, third] = chart.groups;
    expect(first!.bars.map((bar) => [bar.series, bar.height, bar.y])).toEqual([
      ["received", 100, 10],
      ["sent", 50, 60],
      ["dead", 0, 110],
    ]);
    // One lead among sixty is still visible.
    expect(second!.bars[0]!.height).toBe(1.67);
    expect(third!.bars[2]!.height).toBe(1.67);
    // Three bars side by side within each day's 100 units, days left to right.
    expect(first!.bars.map((bar) => bar.x)).toEqual([45, 68.33, 91.67]);
    expect(third!.bars[0]!.x).toBe(245);
    expect(first!.center).toBe(80);
    for (const group of chart.groups) {
      for (const bar of group.bars) {
        expect(bar.y + bar.height).toBeCloseTo(110, 1);
        expect(bar.x).toBeGreaterThanOrEqual(30);
        expect(bar.x + bar.width).toBeLessThanOrEqual(330);
      }
    }
  });

  it("labels today and every seventh day before it", () => {
    const month = fillDays(dayWindow({ now: new Date("2026-12-02T09:00:00Z"), offsetMinutes: 300, days: 30 }).days, []);
    const labelled = chartGeometry(month).groups.filter((group) => group.labelled).map((group) => group.day);
    expect(labelled).toEqual(["2026-11-04", "2026-11-11", "2026-11-18", "2026-11-25", "2026-12-02"]);
  });

  it("draws an empty month on a scale of one, with no bars", () => {
    const chart = chartGeometry(fillDays(days, []));
    expect(chart.max).toBe(1);
    expect(chart.ticks.map((tick) => tick.value)).toEqual([0, 1]);
    expect(chart.groups.flatMap((group) => group.bars).every((bar) => bar.height === 0)).toBe(true);
  });
});
