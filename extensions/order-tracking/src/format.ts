// Dates, times and waits in the page's language (<html lang>) through Intl. Times of day are the shopper's own
// (the browser's time zone); tests pass a time zone to stay deterministic.

/** The page's language if Intl accepts it as a tag; undefined (the browser's default) for "" or junk. */
export function pageLocale(lang: string | null | undefined): string | undefined {
  try {
    return lang ? Intl.DateTimeFormat.supportedLocalesOf(lang)[0] : undefined;
  } catch {
    return undefined;
  }
}

const DAY = /^(\d{4})-(\d\d)-(\d\d)$/;

/**
 * A calendar day (YYYY-MM-DD, no time zone) as "Tuesday 24 November" in the page's language; the year only
 * when it isn't this year. Read and written in UTC, so no time zone can move it to the day before.
 */
export function formatDay(day: string, lang?: string, now = new Date()): string | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const date = new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!));
  if (isNaN(+date)) return null;
  return new Intl.DateTimeFormat(lang, {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: date.getUTCFullYear() == now.getUTCFullYear() ? undefined : "numeric",
    timeZone: "UTC",
  }).format(date);
}

function formatInstant(iso: string, options: Intl.DateTimeFormatOptions, lang?: string, timeZone?: string): string | null {
  const date = new Date(iso);
  return isNaN(+date) ? null : new Intl.DateTimeFormat(lang, { ...options, timeZone }).format(date);
}

/**
 * A tracking event's moment, "Tue 24 Nov 14:05", in the shopper's time zone: the day, then the time as the
 * language writes it on its own ("14:05", "2:05 PM"), which a single combined format gets wrong in some.
 */
export function formatEventTime(iso: string, lang?: string, timeZone?: string): string | null {
  const day = formatInstant(iso, { weekday: "short", day: "numeric", month: "short" }, lang, timeZone);
  return day && `${day} ${formatInstant(iso, { timeStyle: "short" }, lang, timeZone)}`;
}

/** The day an order was placed, "24 November 2026". */
export const formatPlaced = (iso: string, lang?: string, timeZone?: string) =>
  formatInstant(iso, { day: "numeric", month: "long", year: "numeric" }, lang, timeZone);

/** A wait in whole minutes, rounded up, at least one: "3 minutes", "3 минуты" (Intl picks the plural form). */
export function formatWait(seconds: number, lang?: string): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  try {
    return new Intl.NumberFormat(lang, { style: "unit", unit: "minute", unitDisplay: "long" }).format(minutes);
  } catch {
    return `${minutes} min`;
  }
}

/** Only http(s) links leave the page: a carrier URL is data from a third party. */
export const safeLink = (url: string | null): string | null => (url && /^https?:\/\/[^\s]+$/i.test(url) ? url : null);
