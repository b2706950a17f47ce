import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { createAdapter, createPgPool } from "../app/db/adapters";
import { databaseKindOf } from "../app/db/url";

// Prisma's schema engine reads PostgreSQL catalog columns of type `name` (oid 19), `name[]` (1003) and,
// when introspecting, `"char"` (18) and `"char"[]` (1002), which adapter-pg cannot deserialize
// (prisma/prisma#27403). The CLI alone needs this: report them as text (25) and text[] (1009).
const RENAMED_TYPES = new Map([
  [18, 25],
  [19, 25],
  [1002, 1009],
  [1003, 1009],
]);

function patchQuery(target: { query: (...args: never[]) => unknown }) {
  const original = target.query.bind(target) as (...args: unknown[]) => Promise<pg.QueryResult>;
  (target as { query: unknown }).query = async (...args: unknown[]) => {
    const result = await original(...args);
    for (const field of result?.fields ?? []) {
      const renamed = RENAMED_TYPES.get(field.dataTypeID);
      if (renamed !== undefined) field.dataTypeID = renamed;
    }
    return result;
  };
}

export function createMigrationAdapter(url: string) {
  if (databaseKindOf(url) === "sqlite") return createAdapter(url);
  const pool = createPgPool(url, 2);
  patchQuery(pool as never);
  pool.on("connect", (client) => patchQuery(client as never));
  return new PrismaPg(pool);
}
