import { createHash } from "node:crypto";

/**
 * A UUID-shaped idempotency key derived from our own record, so a retry after a crash sends the same key
 * (Shopify then answers with the first result instead of applying twice).
 */
export function derivedKey(...parts: (string | number)[]): string {
  const hex = createHash("sha256").update(parts.join("|")).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
