import { randomUUID } from "node:crypto";
import { copyFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { closeDeliveryWriters } from "../../app/webhooks/delivery-writer.server";
import { createDatabaseFromTemplate, postgresAdmin, withDatabase } from "./postgres-admin";

// Runs before each integration test file: a fresh database, copied from the migrated template, so files
// can run in parallel and never see each other's rows. app/db.server.ts picks it up from DATABASE_URL.
const template = inject("databaseTemplate");
const runId = inject("databaseRunId");
const suffix = randomUUID().slice(0, 8);

if (process.env.OMNISTOCK_TEST_DATABASE === "postgresql") {
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `omnistock_t_${runId}_${suffix}`;
  await createDatabaseFromTemplate(adminUrl, name, template);
  process.env.DATABASE_URL = withDatabase(adminUrl, name);
  afterAll(async () => {
    await closeDeliveryWriters();
    await globalThis.omnistockDatabase?.$disconnect();
    await postgresAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  });
} else {
  const file = path.join(path.dirname(template), `${suffix}.sqlite`);
  copyFileSync(template, file);
  process.env.DATABASE_URL = `file:${file}`;
  afterAll(async () => {
    await closeDeliveryWriters();
    await globalThis.omnistockDatabase?.$disconnect();
    for (const extra of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${extra}`, { force: true });
  });
}
