import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { Database } from "../db.server";
import { databaseKindOf, projectPath, sqliteFilePath, type DatabaseKind } from "./url";

const run = promisify(execFile);

export function migrationsDirectory(kind: DatabaseKind): string {
  return kind === "postgresql" ? projectPath("prisma", "postgres", "migrations") : projectPath("prisma", "migrations");
}

/** The migrations this build ships, oldest first. */
export function shippedMigrations(kind: DatabaseKind): string[] {
  return readdirSync(migrationsDirectory(kind), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d{4}_/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

async function appliedMigrations(db: Database): Promise<string[]> {
  try {
    const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return rows.map((row) => row.migration_name);
  } catch {
    return []; // a database nobody has migrated yet has no _prisma_migrations table
  }
}

export interface MigrationStatus {
  current: boolean;
  pending: string[];
}

export async function migrationStatus(db: Database, kind: DatabaseKind): Promise<MigrationStatus> {
  const applied = new Set(await appliedMigrations(db));
  const pending = shippedMigrations(kind).filter((name) => !applied.has(name));
  return { current: pending.length === 0, pending };
}

/** Migrations recorded as applied, read directly (no Prisma client); none when the database is new. */
async function appliedMigrationNames(url: string): Promise<string[]> {
  const query = `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  try {
    if (databaseKindOf(url) === "sqlite") {
      const file = sqliteFilePath(url);
      if (!existsSync(file)) return [];
      const connection = new BetterSqlite3(file, { readonly: true, timeout: 10_000 });
      try {
        return (connection.prepare(query).all() as { migration_name: string }[]).map((row) => row.migration_name);
      } finally {
        connection.close();
      }
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ migration_name: string }>(query)).rows.map((row) => row.migration_name);
    } finally {
      await client.end();
    }
  } catch {
    return []; // no database or no _prisma_migrations table yet: let Prisma create them
  }
}

/** WAL lets readers (admin pages, health checks, the CLI) go on while the worker writes; it persists in the file. */
function useWriteAheadLog(file: string) {
  const connection = new BetterSqlite3(file);
  try {
    connection.pragma("journal_mode = WAL");
  } finally {
    connection.close();
  }
}

/**
 * Applies the shipped migrations with `prisma migrate deploy` (creating the SQLite file if needed) and
 * returns the names it applied. Safe to run from several instances at once: Prisma takes an advisory lock.
 */
export async function migrateDatabase(url: string): Promise<string[]> {
  const kind = databaseKindOf(url);
  if (kind === "sqlite") mkdirSync(path.dirname(sqliteFilePath(url)), { recursive: true });
  const before = new Set(shippedMigrations(kind));
  // Most starts find nothing to do: a read says so without running Prisma's schema engine, which would take
  // SQLite's write lock (and wait on, or fail against, another process that is writing).
  const applied = new Set(await appliedMigrationNames(url));
  if ([...before].every((name) => applied.has(name))) return [];
  try {
    const { stdout } = await run(projectPath("node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
      cwd: projectPath(),
      env: { ...process.env, DATABASE_URL: url },
      maxBuffer: 10 * 1024 * 1024,
    });
    if (kind === "sqlite") useWriteAheadLog(sqliteFilePath(url));
    return [...before].filter((name) => stdout.includes(name));
  } catch (error) {
    const detail = (error as { stderr?: string; stdout?: string }).stderr || (error as Error).message;
    throw new Error(`Applying database migrations failed (${kind}). Prisma said:\n${detail.trim()}`);
  }
}
