import { timingSafeEqual } from "node:crypto";
import type { WebhookHeaders } from "./types";

/** One header, looked up without regard to case. Undefined when absent, empty or sent more than once. */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  let value: string | string[] | null | undefined;
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    value = headers.get(name);
  } else {
    const wanted = name.toLowerCase();
    const record = headers as Record<string, string | string[] | undefined>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === wanted);
    value = key === undefined ? undefined : record[key];
  }
  if (Array.isArray(value)) value = value.length === 1 ? value[0] : undefined;
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Constant-time comparison of two signatures as strings (the length is not secret). */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

export const rawBytes = (rawBody: Buffer | string): Buffer =>
  typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
