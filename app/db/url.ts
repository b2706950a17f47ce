import path from "node:path";
import { fileURLToPath } from "node:url";

export type DatabaseKind = "sqlite" | "postgresql";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The embedded default: a SQLite file under prisma/, created and migrated on first start. */
export function defaultDatabaseUrl(): string {
  return `file:${path.join(projectRoot, "prisma", "dev.sqlite")}`;
}

export function databaseKindOf(url: string): DatabaseKind {
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgresql";
  if (url.startsWith("file:")) return "sqlite";
  throw new Error(
    `DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL); got "${url.split(":")[0]}:..."`,
  );
}

/** Absolute path of a SQLite file URL; relative paths are taken from the project root. */
export function sqliteFilePath(url: string): string {
  const file = url.slice("file:".length).split("?")[0]!;
  return path.isAbsolute(file) ? file : path.join(projectRoot, file);
}

export function projectPath(...parts: string[]): string {
  return path.join(projectRoot, ...parts);
}
