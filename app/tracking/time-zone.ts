// A shop's calendar: Shopify writes instants in UTC (maxDeliveryDateTime "2026-05-13T06:59:59Z" is the end of
// 12 May in Los Angeles), while a promise or an estimate is a day in the shop's time zone (Shop.ianaTimezone).
// Pure, with Intl doing the time-zone arithmetic (daylight saving included). An unknown zone reads as UTC.

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(timeZone: string): Intl.DateTimeFormat | null {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    try {
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
    } catch {
      format = null; // Not a zone this runtime knows.
    }
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether Intl knows this IANA zone ("Europe/Paris"). */
export function isTimeZone(timeZone: string | null | undefined): timeZone is string {
  return !!timeZone && formatter(timeZone) !== null;
}

/** The wall clock in the zone at an instant, read as if it were UTC (epoch ms). */
function wallClock(epochMs: number, timeZone: string): number {
  const format = formatter(timeZone);
  if (!format) return epochMs;
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(epochMs))) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) + (epochMs % 1000 + 1000) % 1000;
}

/** YYYY-MM-DD of an instant in the zone (UTC when the zone is missing or unknown). */
export function localDate(instant: Date, timeZone: string | null | undefined): string {
  const ms = isTimeZone(timeZone) ? wallClock(instant.getTime(), timeZone) : instant.getTime();
  return new Date(ms).toISOString().slice(0, 10);
}

/** The instant (epoch ms) a calendar day (YYYY-MM-DD) starts in the zone (UTC when the zone is missing or unknown). */
export function startOfLocalDay(date: string, timeZone: string | null | undefined): number {
  const midnight = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(midnight) || !isTimeZone(timeZone)) return midnight;
  // The zone's offset at a first guess, then at the answer (a daylight-saving change may lie between).
  let guess = midnight - (wallClock(midnight, timeZone) - midnight);
  guess = midnight - (wallClock(guess, timeZone) - guess);
  return guess;
}

/** The day after a calendar day (YYYY-MM-DD). */
export function nextDay(date: string): string {
  return new Date(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
