// The test run's time zone is America/Los_Angeles (vite.config.ts): UTC-8 in winter, UTC-7 in summer.
import { afterEach, describe, expect, it, vi } from "vitest";
import { fromDateTimeLocal, localDate, localDateAfter, toDateTimeLocal } from "./local-time";

describe("local dates and times", () => {
  afterEach(() => vi.useRealTimers());

  it("gives today's and tomorrow's local date, also late in the evening when UTC is a day ahead", () => {
    const evening = new Date("2026-03-02T06:30:00Z"); // 22:30 on March 1st in Los Angeles
    expect(localDate(evening)).toBe("2026-03-01");
    expect(localDateAfter(1, evening)).toBe("2026-03-02");
    expect(localDateAfter(1, new Date("2026-12-31T20:00:00-08:00"))).toBe("2027-01-01");
  });

  it("turns a datetime-local value into an instant with the local offset", () => {
    expect(fromDateTimeLocal("2026-01-15T09:30")).toBe("2026-01-15T09:30:00-08:00");
    expect(fromDateTimeLocal("2026-07-15T09:30:05")).toBe("2026-07-15T09:30:05-07:00");
    expect(fromDateTimeLocal("2026-07-15T09:30:05.25")).toBe("2026-07-15T09:30:05.250-07:00");
    expect(Date.parse(fromDateTimeLocal("2026-01-15T09:30") ?? "")).toBe(Date.parse("2026-01-15T17:30:00Z"));
  });

  it("moves a time skipped by the daylight-saving change to the clock time after it", () => {
    // 2026-03-08 02:30 does not exist in Los Angeles (02:00 -> 03:00).
    expect(fromDateTimeLocal("2026-03-08T02:30")).toBe("2026-03-08T03:30:00-07:00");
  });

  it("refuses what is not a real date and time", () => {
    for (const value of [
      "",
      "2026-02-30T10:00",
      "2026-01-15",
      "2026-01-15T24:00",
      "2026-01-15 10:00",
      "soon",
    ]) {
      expect(fromDateTimeLocal(value)).toBeNull();
    }
  });

  it("shows an instant as the local wall-clock time, seconds only when there are some", () => {
    expect(toDateTimeLocal("2026-01-15T17:30:00Z")).toBe("2026-01-15T09:30");
    expect(toDateTimeLocal("2026-07-15T16:30:05Z")).toBe("2026-07-15T09:30:05");
    expect(toDateTimeLocal("not a date")).toBe("");
  });
});
