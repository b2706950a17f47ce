import type { Lookup } from "./request";

// The lookup form's rules, free of the DOM: which fields a mode needs, what they must look like, and the
// ?number= prefill. Messages are locale keys; the block renders one error slot per field.

export type Mode = "order" | "number";
export type Field = "order" | "email" | "number";
export type FormValues = Partial<Record<Field, string>>;
export type FormCheck = { lookup: Lookup; errors?: undefined } | { errors: Partial<Record<Field, string>> };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Tracking numbers are printed with spaces ("1Z 999 AA1 01"); carriers know them without. */
export const compactNumber = (value: string) => value.replace(/\s+/g, "");

export function checkForm(mode: Mode, values: FormValues): FormCheck {
  const errors: Partial<Record<Field, string>> = {};
  if (mode == "number") {
    const number = compactNumber(values.number || "");
    if (!number) errors.number = "missing_number";
    return number ? { lookup: { by: "number", number } } : { errors };
  }
  const order = (values.order || "").trim();
  const email = (values.email || "").trim();
  if (!order) errors.order = "missing_order";
  // "#1001", "1001", "EU-1001-B": merchants may add letters, but an order number always has digits.
  else if (!/\d/.test(order)) errors.order = "bad_order";
  if (!email) errors.email = "missing_email";
  else if (!EMAIL.test(email)) errors.email = "bad_email";
  return errors.order || errors.email ? { errors } : { lookup: { by: "order", order, email } };
}

/**
 * A tracking number from the page's ?number= (links in shipping emails). Only that: an order number and email
 * in a URL would leak into history, logs and referrers, so ?order= and ?email= are never read.
 */
export function numberFromSearch(search: string): string | null {
  const number = compactNumber(new URLSearchParams(search).get("number") || "");
  return /^[A-Za-z0-9][A-Za-z0-9.-]{5,59}$/.test(number) ? number : null;
}
