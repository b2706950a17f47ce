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
  return new ImmediateTransactions({ url: sqliteFilePath(url), timeout: 10_000 });
}

/**
 * SQLite transactions that take the write lock when they begin (BEGIN IMMEDIATE). Prisma's adapter begins them
 * deferred: a transaction that reads, then writes, fails at once with SQLITE_BUSY when another process (a
 * separate worker, the CLI) wrote in between, instead of waiting its turn under the busy timeout.
 */
class ImmediateTransactions extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client: { prepare(sql: string): unknown } }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    return adapter;
  }
}

/**
 * A node-postgres pool that survives the server closing an idle connection (a PostgreSQL restart, a failover, an
 * administrator's pg_terminate_backend): without an error listener, that event would crash the process.
 */
export function createPgPool(url: string, max = 4, onIdleError: (error: Error) => void = () => {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on("error", onIdleError);
  return pool;
}
