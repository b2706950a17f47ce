import { randomUUID } from "node:crypto";
import type { Database } from "../db.server";
import type { DatabaseKind } from "../db/url";

// Work rows (webhook deliveries, outbox pushes) share one claiming protocol:
//   status "pending" and availableAt <= now, or status "processing" whose lease ran out (a crashed worker),
// are claimed by setting status "processing", a lease token and a lease deadline.
// PostgreSQL: any number of workers claim with FOR UPDATE SKIP LOCKED, so no two get the same row.
// SQLite: one writer at a time makes the conditional UPDATE atomic.

export type WorkTable = "WebhookDelivery" | "PushJob";

export interface ClaimOptions {
  table: WorkTable;
  limit: number;
  leaseMs: number;
  now?: Date;
}

export interface Claim {
  token: string;
  ids: number[];
}

export async function claimDueRows(db: Database, kind: DatabaseKind, options: ClaimOptions): Promise<Claim> {
  const now = options.now ?? new Date();
  const leaseUntil = new Date(now.getTime() + options.leaseMs);
  const token = randomUUID();
  const table = `"${options.table}"`;
  // Parameters in order of appearance: SQLite binds `?` positionally, PostgreSQL numbers them.
  const args = [token, leaseUntil, now, now, options.limit];
  let n = 0;
  const p = () => (kind === "postgresql" ? `$${++n}` : "?");
  const rows = await db.$queryRawUnsafe<{ id: number }[]>(
    `UPDATE ${table}
        SET status = 'processing', "lockedBy" = ${p()}, "lockedUntil" = ${p()},
            -- Taking over a crashed worker's claim is not a new attempt: it never got to report one.
            attempts = CASE WHEN status = 'processing' THEN attempts ELSE attempts + 1 END
      WHERE id IN (
        SELECT id FROM ${table}
         WHERE (status = 'pending' AND "availableAt" <= ${p()}) OR (status = 'processing' AND "lockedUntil" < ${p()})
         ORDER BY id LIMIT ${p()} ${kind === "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""})
      RETURNING id`,
    ...args,
  );
  return { token, ids: rows.map((row) => Number(row.id)).sort((a, b) => a - b) };
}
