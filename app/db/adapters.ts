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

/** A first-come, first-served lock for async work. */
class Gate {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves with the release function once every earlier holder has released. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return ready;
  }
}

type Query = Parameters<PrismaBetterSQLite3Adapter["queryRaw"]>[0];
type PrismaBetterSQLite3Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;

/**
 * SQLite through one connection per process, made safe for work that runs concurrently in it:
 * - Transactions take the write lock when they begin (BEGIN IMMEDIATE). Prisma's adapter begins them deferred:
 *   a transaction that reads, then writes, fails at once with SQLITE_BUSY when another process (a separate
 *   worker, the CLI) wrote in between, instead of waiting its turn under the busy timeout.
 * - A query made outside a transaction waits until no transaction is open. The adapter serializes
 *   transactions but not plain queries, and on a single connection a plain query run while another task's
 *   transaction is open becomes part of it: that task's rollback silently undid it, and its uncommitted rows
 *   were visible to everyone else.
 */
class ImmediateTransactions extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client: { prepare(sql: string): unknown } }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);

    const gate = new Gate();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const release = await gate.acquire();
      try {
        const transaction = await startTransaction(isolationLevel);
        const [commit, rollback] = [transaction.commit.bind(transaction), transaction.rollback.bind(transaction)];
        let open = true;
        const close = () => {
          if (open) release();
          open = false;
        };
        transaction.commit = () => commit().finally(close);
        transaction.rollback = () => rollback().finally(close);
        return transaction;
      } catch (error) {
        release();
        throw error;
      }
    };
    const outside =
      <R>(run: (query: Query) => Promise<R>) =>
      async (query: Query): Promise<R> => {
        const release = await gate.acquire();
        try {
          return await run(query);
        } finally {
          release();
        }
      };
    adapter.queryRaw = outside(adapter.queryRaw.bind(adapter));
    adapter.executeRaw = outside(adapter.executeRaw.bind(adapter));
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
