import type { z } from "zod";

/**
 * One Admin GraphQL operation the app sends, with the shape of its result. Each module keeps its operations
 * in its own admin-operations.ts; a test validates every one of them against the Admin schema (2026-01 copy
 * in ../shared/shopify/admin/) and refuses deprecated fields, so nothing removed in 2026-04 creeps in.
 */
export interface AdminOperation<Variables, Result> {
  readonly kind: "AdminOperation";
  readonly name: string;
  readonly document: string;
  readonly result: z.ZodType<Result>;
  /** Phantom: lets callers' variables be type-checked. */
  readonly variables?: Variables;
}

export function adminOperation<Variables = Record<string, never>, Result = unknown>(
  document: string,
  result: z.ZodType<Result>,
): AdminOperation<Variables, Result> {
  const name = /\b(?:query|mutation)\s+([A-Za-z0-9_]+)/.exec(document)?.[1];
  if (!name) throw new Error("Every Admin operation needs a name (query Name { ... })");
  return { kind: "AdminOperation", name, document, result };
}

export function isAdminOperation(value: unknown): value is AdminOperation<unknown, unknown> {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "AdminOperation";
}
