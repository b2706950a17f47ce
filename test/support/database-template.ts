import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../app/db/migrations.server";
import { postgresAdmin, withDatabase } from "./postgres-admin";

declare module "vitest" {
  export interface ProvidedContext {
    databaseTemplate: string;
    databaseRunId: string;
  }
}

// Migrates one template database per project run; every test file then works on its own copy of it.
export default async function setup(project: TestProject) {
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  project.provide("databaseRunId", runId);

  if (project.name === "postgres") {
    const adminUrl = process.env.TEST_DATABASE_URL!;
    const template = `omnistock_tpl_${runId}`;
    await postgresAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${template}"`));
    await migrateDatabase(withDatabase(adminUrl, template));
    project.provide("databaseTemplate", template);
    return async () => {
      await postgresAdmin(adminUrl, async (client) => {
        const { rows } = await client.query<{ datname: string }>(
          `SELECT datname FROM pg_database WHERE datname LIKE $1`,
          [`omnistock_%${runId}%`],
        );
        for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      });
    };
  }

  const dir = mkdtempSync(path.join(tmpdir(), "omnistock-test-"));
  const template = path.join(dir, "template.sqlite");
  await migrateDatabase(`file:${template}`);
  project.provide("databaseTemplate", template);
  return () => rmSync(dir, { recursive: true, force: true });
}
