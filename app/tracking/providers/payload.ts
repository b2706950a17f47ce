import type { z } from "zod";

// Shared by the provider adapters: validation errors a webhook route can log and answer 400 to (and the poller
// can record), and the normalisation of the providers' many date formats.

/** What was being read: a pushed webhook or the answer to our own poll. */
export type PayloadKind = "webhook" | "response";

export class ProviderPayloadError extends Error {
  override name = "ProviderPayloadError";
}

export function parsePayload<S extends z.ZodType>(
  schema: S,
  json: unknown,
  provider: string,
  kind: PayloadKind = "webhook",
): z.output<S> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
  throw new ProviderPayloadError(`Malformed ${provider} ${kind}: ${issues}`);
}

const ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO 8601 instant in UTC. A date-time without an offset is read as UTC rather than as the server's local
 * time; a bare date as midnight UTC.
 */
export function isoInstant(value: string, provider: string, kind: PayloadKind = "webhook"): string {
  const text = value.trim();
  const withZone = /^\d{4}-\d{2}-\d{2}$/.test(text) || ZONE.test(text) ? text : `${text}Z`;
  const time = Date.parse(withZone);
  if (Number.isNaN(time)) throw new ProviderPayloadError(`Malformed ${provider} ${kind}: unreadable time "${value}"`);
  return new Date(time).toISOString();
}

/** The calendar date (YYYY-MM-DD) a provider's date or date-time names, as written (no time-zone shift). */
export function isoDate(value: string | null | undefined): string | undefined {
  const match = value?.trim().match(/^(\d{4}-\d{2}-\d{2})/);
  if (!match) return undefined;
  return Number.isNaN(Date.parse(`${match[1]}T00:00:00Z`)) ? undefined : match[1];
}

/** "Louisville, KY, US" from whichever parts are present. */
export function joinLocation(...parts: (string | null | undefined)[]): string | undefined {
  const present = parts.map((p) => p?.trim()).filter((p): p is string => !!p);
  return present.length ? present.join(", ") : undefined;
}
