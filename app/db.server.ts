import { createRequire } from "node:module";
import type { PrismaClient } from "@prisma/client";
import { createAdapter } from "./db/adapters";
import { databaseKindOf, defaultDatabaseUrl, projectPath, type DatabaseKind } from "./db/url";

export type Database = PrismaClient;

// One generated client per provider: @prisma/client is generated from prisma/schema.prisma (SQLite) and
// node_modules/.prisma/client-postgres from the derived PostgreSQL schema. Their models are identical, so
// both share the SQLite client's types.
const require = createRequire(import.meta.url);

function loadClientClass(kind: DatabaseKind): typeof PrismaClient {
  if (kind === "postgresql") {
    return require(projectPath("node_modules", ".prisma", "client-postgres")).PrismaClient;
  }
  return require("@prisma/client").PrismaClient;
}

export function createDatabase(url: string, options: { poolSize?: number } = {}): Database {
  const kind = databaseKindOf(url);
  const Client = loadClientClass(kind);
  return new Client({ adapter: createAdapter(url, options) });
}

export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? defaultDatabaseUrl();
}

export function databaseKind(): DatabaseKind {
  return databaseKindOf(databaseUrl());
}

declare global {
  // Kept on globalThis so Vite's dev server reloads do not open a new pool each time.
  var omnistockDatabase: Database | undefined;
}

/** The process-wide client for DATABASE_URL. */
export function db(): Database {
  globalThis.omnistockDatabase ??= createDatabase(databaseUrl());
  return globalThis.omnistockDatabase;
}

/**
 * A unique constraint refused the write (Prisma's P2002): someone else stored the same row first. By code, not
 * by class: the PostgreSQL client is generated separately, and its errors are not @prisma/client's classes.
 */
export const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === "P2002";
