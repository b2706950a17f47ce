// Starts Omnistock: checks the configuration, brings the database schema up to date, then serves HTTP and
// runs the background workers (or only one of the two). `npm start`, `npm run dev`, `npm run worker`.
import { config, ConfigError } from "../app/config.server";
import { databaseKind, db } from "../app/db.server";
import { migrateDatabase } from "../app/db/migrations.server";
import { logger } from "../app/observability/logger.server";
import { closeDeliveryWriters } from "../app/webhooks/delivery-writer.server";
import { startHttpServer, type RunningHttpServer } from "./app-server";
import { startBackgroundWork, type BackgroundWork } from "./background";

async function main() {
  const args = new Set(process.argv.slice(2));
  const dev = args.has("--dev");
  const workerOnly = args.has("--worker-only");
  if (dev) process.env.NODE_ENV ??= "development";
  else process.env.NODE_ENV ??= "production";

  const settings = config();
  const applied = await migrateDatabase(settings.DATABASE_URL);
  if (applied.length) logger.info("Database migrated", { kind: databaseKind(), applied });

  let http: RunningHttpServer | undefined;
  let work: BackgroundWork | undefined;
  if (!workerOnly) {
    http = await startHttpServer({ port: settings.PORT, host: settings.HOST, dev });
    logger.info(`Omnistock is listening on ${http.url}`, { database: databaseKind(), appUrl: settings.SHOPIFY_APP_URL });
  }
  if (workerOnly || settings.OMNISTOCK_WORKERS) {
    work = startBackgroundWork();
    logger.info("Background workers started", { database: databaseKind() });
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`Received ${signal}: finishing current work and stopping`);
    await http?.close();
    await work?.stop();
    await closeDeliveryWriters();
    await db().$disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error("Omnistock failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
