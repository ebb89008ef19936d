// Local calendar dates and wall-clock times, as date and datetime-local inputs hold them, and back to
// ISO 8601. Inputs show the browser's time zone; the API wants an instant, so a time leaves with its
// offset ("2026-03-01T10:30:00+01:00") and an instant arrives as the local time it stands for.

const pad = (n: number) => String(n).padStart(2, "0");

const DATE_TIME_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/** yyyy-mm-dd of a moment in the browser's time zone. */
export function localDate(moment: Date): string {
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}

/** The local calendar date `days` after today's (yyyy-mm-dd). */
export function localDateAfter(days: number, now: Date = new Date()): string {
  const day = new Date(now);
  day.setDate(day.getDate() + days);
  return localDate(day);
}

/** The datetime-local input value for an ISO 8601 instant; "" if it cannot be read. */
export function toDateTimeLocal(iso: string): string {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return "";
  const minutes = `${localDate(moment)}T${pad(moment.getHours())}:${pad(moment.getMinutes())}`;
  return moment.getSeconds() === 0 ? minutes : `${minutes}:${pad(moment.getSeconds())}`;
}

/** ISO 8601 with the local offset for a datetime-local value; null if it is not a real date and time. */
export function fromDateTimeLocal(value: string): string | null {
  const m = DATE_TIME_LOCAL.exec(value);
  if (!m) return null;
  const part = (i: number) => Number(m[i] ?? 0);
  const [year, month, day, hours, minutes, seconds] = [part(1), part(2), part(3), part(4), part(5), part(6)];
  const ms = Number((m[7] ?? "0").padEnd(3, "0"));
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day ||
    hours > 23 ||
    minutes > 59 ||
    seconds > 59
  ) {
    return null; // 2026-02-30, 24:00...
  }
  // A wall-clock time skipped by a daylight-saving change lands on the instant the clock shows after it.
  const moment = new Date(year, month - 1, day, hours, minutes, seconds, ms);
  const offset = -moment.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  const time = `${pad(moment.getHours())}:${pad(moment.getMinutes())}:${pad(moment.getSeconds())}`;
  const fraction =
    moment.getMilliseconds() === 0 ? "" : `.${String(moment.getMilliseconds()).padStart(3, "0")}`;
  return `${localDate(moment)}T${time}${fraction}${zone}`;
}
