import BetterSqlite3 from "better-sqlite3";
import { createPgPool } from "../db/adapters";
import { databaseKindOf, sqliteFilePath } from "../db/url";
import { logger } from "../observability/logger.server";

// Webhook intake is the hot path: Shopify bursts deliveries, and each must be stored before we answer. The
// ORM compiles every query (payload included) in WASM, which costs milliseconds; this writer keeps one
// prepared INSERT ... ON CONFLICT DO NOTHING on its own connection instead. Everything else reads and
// writes WebhookDelivery through Prisma; the columns here must match prisma/schema.prisma (a test stores
// through this writer and reads back through Prisma).

export interface NewDelivery {
  webhookId: string;
  shop: string;
  topic: string;
  apiVersion: string;
  eventId: string | null;
  triggeredAt: Date | null;
  payload: string;
  customerId: string | null;
  orderId: string | null;
}

export interface DeliveryWriter {
  /** Stores a delivery; false when one with the same webhook id is already stored. */
  insert(delivery: NewDelivery): Promise<boolean>;
  close(): Promise<void>;
}

const COLUMNS = ["webhookId", "shop", "topic", "apiVersion", "eventId", "triggeredAt", "payload", "customerId", "orderId", "receivedAt", "availableAt"] as const;

function sql(placeholder: (index: number) => string): string {
  return `INSERT INTO "WebhookDelivery" (${COLUMNS.map((c) => `"${c}"`).join(", ")}, "status", "attempts")
          VALUES (${COLUMNS.map((_, i) => placeholder(i + 1)).join(", ")}, 'pending', 0)
          ON CONFLICT ("webhookId") DO NOTHING`;
}

function values(delivery: NewDelivery, date: (value: Date) => string): unknown[] {
  const now = date(new Date());
  return [
    delivery.webhookId,
    delivery.shop,
    delivery.topic,
    delivery.apiVersion,
    delivery.eventId,
    delivery.triggeredAt ? date(delivery.triggeredAt) : null,
    delivery.payload,
    delivery.customerId,
    delivery.orderId,
    now,
    now,
  ];
}

export function createDeliveryWriter(url: string): DeliveryWriter {
  if (databaseKindOf(url) === "postgresql") {
    const pool = createPgPool(url, 4, (error) =>
      logger.warn("PostgreSQL closed an idle webhook-intake connection; the next delivery opens a new one", { error }),
    );
    const text = sql((i) => `$${i}`);
    return {
      // An ISO string with its zone: PostgreSQL stores the UTC time in Prisma's timestamp(3) columns.
      insert: async (delivery) => ((await pool.query(text, values(delivery, (d) => d.toISOString()))).rowCount ?? 0) > 0,
      close: () => pool.end(),
    };
  }
  const connection = new BetterSqlite3(sqliteFilePath(url), { timeout: 10_000 });
  const statement = connection.prepare(sql(() => "?"));
  return {
    // Prisma's SQLite adapter stores DateTime as ISO 8601 text with an explicit +00:00.
    insert: async (delivery) => statement.run(...values(delivery, (d) => d.toISOString().replace("Z", "+00:00"))).changes > 0,
    close: async () => void connection.close(),
  };
}

const KEY = Symbol.for("omnistock.deliveryWriters");
const writers = ((globalThis as unknown as Record<symbol, Map<string, DeliveryWriter>>)[KEY] ??= new Map());

/** The process-wide writer for a database URL. */
export function deliveryWriter(url: string): DeliveryWriter {
  let writer = writers.get(url);
  if (!writer) writers.set(url, (writer = createDeliveryWriter(url)));
  return writer;
}

export async function closeDeliveryWriters(): Promise<void> {
  await Promise.all([...writers.values()].map((w) => w.close()));
  writers.clear();
}
