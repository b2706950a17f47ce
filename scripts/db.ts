// Database chores: `npm run db:generate`, `npm run db:migrate`, `npm run db:sync-schemas`, `npm run db:new-migration -- <name>`.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrateDatabase } from "../app/db/migrations.server";
import pg from "pg";
import { derivePostgresSchema } from "../app/db/postgres-schema";
import { defaultDatabaseUrl, projectPath } from "../app/db/url";

const SQLITE_SCHEMA = projectPath("prisma", "schema.prisma");
const POSTGRES_SCHEMA = projectPath("prisma", "postgres", "schema.prisma");

function syncSchemas(): boolean {
  const derived = derivePostgresSchema(readFileSync(SQLITE_SCHEMA, "utf8"));
  let current = "";
  try {
    current = readFileSync(POSTGRES_SCHEMA, "utf8");
  } catch {
    // first run
  }
  if (current === derived) return false;
  mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
  writeFileSync(POSTGRES_SCHEMA, derived);
  return true;
}

function prisma(args: string[], env: Record<string, string>): string {
  return execFileSync(projectPath("node_modules", ".bin", "prisma"), args, {
    cwd: projectPath(),
    env: { ...process.env, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/**
 * The datamodel the committed migrations produce: applied to a scratch database and introspected. (The WASM
 * schema engine cannot replay migrations into a shadow database, so `migrate diff --from-migrations` fails.)
 */
async function migratedDatamodel(kind: "sqlite" | "postgresql", scratchUrl: string): Promise<string> {
  await migrateDatabase(scratchUrl);
  const stub = path.join(mkdtempSync(path.join(tmpdir(), "omnistock-pull-")), "schema.prisma");
  writeFileSync(stub, `datasource db {\n  provider = "${kind}"\n  url      = env("DATABASE_URL")\n}\n`);
  const pulled = prisma(["db", "pull", "--schema", stub, "--print"], { DATABASE_URL: scratchUrl });
  const file = path.join(path.dirname(stub), "migrated.prisma");
  writeFileSync(file, pulled.slice(pulled.indexOf("datasource db")));
  return file;
}

/** Writes migrations/<n>_<name>/migration.sql for both providers: from what the migrations build to the schema. */
async function newMigration(name: string) {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error("Name the migration in snake_case, e.g. add_channels");
  syncSchemas();
  const serverUrl = process.env.TEST_DATABASE_URL ?? "postgresql://root@127.0.0.1:5432/test";
  const scratchPg = `omnistock_migrate_${Date.now().toString(36)}`;
  const targets = [
    { kind: "sqlite" as const, schema: SQLITE_SCHEMA, url: `file:${path.join(mkdtempSync(path.join(tmpdir(), "omnistock-")), "scratch.sqlite")}` },
    { kind: "postgresql" as const, schema: POSTGRES_SCHEMA, url: withDatabase(serverUrl, scratchPg) },
  ];
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${scratchPg}"`);
  try {
    for (const { kind, schema, url } of targets) {
      const dir = path.join(path.dirname(schema), "migrations");
      mkdirSync(dir, { recursive: true });
      const existing = readdirSync(dir).filter((entry) => /^\d{4}_/.test(entry));
      const from = existing.length > 0 ? ["--from-schema-datamodel", await migratedDatamodel(kind, url)] : ["--from-empty"];
      const sql = prisma(["migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"], { DATABASE_URL: url });
      if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
        console.log(`${path.relative(projectPath(), dir)}: schema unchanged, no migration written`);
        continue;
      }
      const folder = path.join(dir, `${String(existing.length + 1).padStart(4, "0")}_${name}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, "migration.sql"), sql);
      writeFileSync(path.join(dir, "migration_lock.toml"), `# Managed by Prisma Migrate.\nprovider = "${kind}"\n`);
      console.log(`wrote ${path.relative(projectPath(), folder)}/migration.sql`);
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${scratchPg}" WITH (FORCE)`);
    await admin.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Generates one client per provider. The CLI picks its adapter from DATABASE_URL, so each gets a matching one. */
function generate() {
  syncSchemas();
  prisma(["generate", "--schema", SQLITE_SCHEMA], { DATABASE_URL: defaultDatabaseUrl() });
  // Nothing connects during generate: any PostgreSQL URL selects the right engine.
  prisma(["generate", "--schema", POSTGRES_SCHEMA], { DATABASE_URL: "postgresql://localhost/generate" });
  console.log("generated Prisma clients for SQLite and PostgreSQL");
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case "generate":
    generate();
    break;
  case "sync-schemas":
    console.log(syncSchemas() ? "prisma/postgres/schema.prisma updated" : "prisma/postgres/schema.prisma is current");
    break;
  case "new-migration":
    await newMigration(rest[0] ?? "");
    break;
  case "migrate": {
    const url = process.env.DATABASE_URL ?? defaultDatabaseUrl();
    const applied = await migrateDatabase(url);
    console.log(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
    break;
  }
  default:
    console.error("usage: tsx scripts/db.ts generate | migrate | sync-schemas | new-migration <name>");
    process.exit(2);
}
