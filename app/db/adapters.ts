import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { databaseKindOf, sqliteFilePath } from "./url";

export interface AdapterOptions {
  /** Largest number of PostgreSQL connections this process may hold. */
  poolSize?: number;
}

/** The Prisma driver adapter for a DATABASE_URL: better-sqlite3 for file: URLs, node-postgres otherwise. */
export function createAdapter(url: string, options: AdapterOptions = {}) {
  if (databaseKindOf(url) === "postgresql") {
    // Given a config rather than a Pool, the adapter owns the pool and closes it on $disconnect().
    return new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 });
  }
  return new PrismaBetterSQLite3({ url: sqliteFilePath(url), timeout: 10_000 });
}

export function createPgPool(url: string, max = 4): pg.Pool {
  return new pg.Pool({ connectionString: url, max });
}
