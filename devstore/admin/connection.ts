import { GraphQLError } from "graphql";

// Relay connections as Shopify serves them: first/last with after/before cursors, at most 250 a page.

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
  /** Set by the executor inside a bulk operation: every node, with no page size (devstore/admin/bulk.ts). */
  [UNBOUNDED]?: boolean;
}

/** Marks connection arguments of a bulk operation's query, which Shopify runs over all objects. */
export const UNBOUNDED: unique symbol = Symbol("devstore.unboundedConnection");

const encode = (id: string) => Buffer.from(JSON.stringify({ last_id: id }), "utf8").toString("base64url");
const decode = (cursor: string): string => {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { last_id?: unknown };
    if (typeof parsed.last_id === "string") return parsed.last_id;
  } catch {
    // fall through
  }
  throw new GraphQLError(`Invalid cursor for request: '${cursor}'`, { extensions: { code: "BAD_REQUEST" } });
};

export function connection<T, N>(all: T[], args: ConnectionArgs, idOf: (item: T) => string, toNode: (item: T) => N) {
  if (args[UNBOUNDED]) {
    const items = args.reverse ? [...all].reverse() : all;
    const edges = items.map((item) => ({ cursor: encode(idOf(item)), node: toNode(item) }));
    const pageInfo = { hasNextPage: false, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null };
    return { edges, nodes: edges.map((edge) => edge.node), pageInfo };
  }
  if (args.first == null && args.last == null) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  const limit = args.first ?? args.last!;
  if (limit > 250 || limit < 0) {
    throw new GraphQLError(`The ${args.first != null ? "first" : "last"} argument must be between 0 and 250`, {
      extensions: { code: "BAD_REQUEST" },
    });
  }
  let items = args.reverse ? [...all].reverse() : all;
  if (args.after) {
    const index = items.findIndex((item) => idOf(item) === decode(args.after!));
    items = index >= 0 ? items.slice(index + 1) : [];
  }
  if (args.before) {
    const index = items.findIndex((item) => idOf(item) === decode(args.before!));
    items = index >= 0 ? items.slice(0, index) : items;
  }
  const page = args.first != null ? items.slice(0, limit) : items.slice(Math.max(0, items.length - limit));
  const edges = page.map((item) => ({ cursor: encode(idOf(item)), node: toNode(item) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: args.first != null ? items.length > page.length : Boolean(args.before),
      hasPreviousPage: args.last != null ? items.length > page.length : Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * A small subset of Shopify's search syntax: space-separated `field:value` terms, all of which must match,
 * with `>`, `>=`, `<`, `<=` for dates and numbers and `*` as a trailing wildcard. Unknown fields match nothing,
 * as on Shopify.
 */
export function matchesQuery(query: string | null | undefined, fields: Record<string, string | number | null>): boolean {
  if (!query?.trim()) return true;
  const terms = query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  return terms.every((term) => {
    if (/^(AND|and)$/.test(term)) return true;
    const match = /^([a-z_]+):(>=|<=|>|<)?(.*)$/.exec(term);
    if (!match) {
      const needle = term.replace(/"/g, "").toLowerCase();
      return Object.values(fields).some((value) => String(value ?? "").toLowerCase().includes(needle));
    }
    const [, field, op, raw] = match;
    const value = raw!.replace(/^"|"$/g, "");
    if (!(field! in fields)) return false;
    const actual = fields[field!];
    if (actual === null || actual === undefined) return false;
    if (op) {
      const left = typeof actual === "number" ? actual : Date.parse(actual);
      const right = typeof actual === "number" ? Number(value) : Date.parse(value);
      return op === ">" ? left > right : op === ">=" ? left >= right : op === "<" ? left < right : left <= right;
    }
    if (value.endsWith("*")) return String(actual).toLowerCase().startsWith(value.slice(0, -1).toLowerCase());
    return String(actual).toLowerCase() === value.toLowerCase();
  });
}
