import type { Database } from "./db.server";
import { migrationStatus } from "./db/migrations.server";
import type { DatabaseKind } from "./db/url";

export interface HealthReport {
  status: "ok" | "degraded" | "down";
  database: { kind: DatabaseKind; reachable: boolean; migrationsCurrent: boolean; pendingMigrations: string[] };
}

/** What GET /healthz reports: the database kind, whether it answers, and whether its migrations are current. */
export async function healthReport(db: Database, kind: DatabaseKind): Promise<HealthReport> {
  try {
    await db.$queryRawUnsafe("SELECT 1");
  } catch {
    return {
      status: "down",
      database: { kind, reachable: false, migrationsCurrent: false, pendingMigrations: [] },
    };
  }
  const migrations = await migrationStatus(db, kind);
  return {
    status: migrations.current ? "ok" : "degraded",
    database: { kind, reachable: true, migrationsCurrent: migrations.current, pendingMigrations: migrations.pending },
  };
}
