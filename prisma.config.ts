import path from "node:path";
import { defineConfig } from "prisma/config";
import { databaseKindOf, defaultDatabaseUrl } from "./app/db/url";
import { createMigrationAdapter } from "./prisma/migration-adapter";

// Prisma runs here without downloaded engines: the WASM schema engine plus a driver adapter chosen from
// DATABASE_URL (SQLite by default, PostgreSQL for production and scale-out).
process.env.DATABASE_URL ??= defaultDatabaseUrl();
const kind = databaseKindOf(process.env.DATABASE_URL);
const schema = kind === "postgresql" ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(import.meta.dirname, schema),
  adapter: async () => createMigrationAdapter(process.env.DATABASE_URL!),
});
