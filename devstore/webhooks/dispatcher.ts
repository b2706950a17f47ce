import { createHmac, randomUUID } from "node:crypto";
import type { StoreEvent } from "../state/store";

// Delivers webhooks the way Shopify does: signed (base64 HMAC-SHA256 of the raw body), with every
// X-Shopify-* header, at least once, retried on failure, in no guaranteed order. Chaos knobs let tests
// prove the app survives real delivery: duplicates, delays (which reorder), and drops.

export interface ChaosSettings {
  /** Fraction of webhooks delivered a second time with the same X-Shopify-Webhook-Id. */
  duplicate: number;
  /** Fraction of webhooks never delivered. */
  drop: number;
  /** Each delivery waits a random time in this range; different waits reorder deliveries. */
  delayMs: [number, number];
}

export const NO_CHAOS: ChaosSettings = { duplicate: 0, drop: 0, delayMs: [0, 0] };

export interface DeliveryRecord {
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  attempts: number;
  /** "dropped" by chaos, "delivered" (2xx), "failed" after every retry. */
  outcome: "pending" | "delivered" | "dropped" | "failed";
  duplicated: boolean;
  lastStatus: number | null;
}

export interface DispatcherOptions {
  /** The app's webhook endpoint, e.g. http://127.0.0.1:3000/webhooks. */
  endpoint: string;
  secret: string;
  apiVersion: string;
  /** Topics the app subscribes to (from shopify.app.toml); others are not delivered. */
  topics: Set<string>;
  chaos?: ChaosSettings;
  random?: () => number;
  /** Waits between retries; Shopify spreads 8 retries over 4 hours, tests use milliseconds. */
  retryDelaysMs?: number[];
  timeoutMs?: number;
}

export class WebhookDispatcher {
  chaos: ChaosSettings;
  /** Where deliveries go; the demo and tests set it once the app is listening. */
  endpoint: string;
  readonly deliveries: DeliveryRecord[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #random: () => number;
  readonly #retryDelays: number[];

  constructor(private readonly options: DispatcherOptions) {
    this.chaos = options.chaos ?? NO_CHAOS;
    this.endpoint = options.endpoint;
    this.#random = options.random ?? Math.random;
    this.#retryDelays = options.retryDelaysMs ?? [1000, 5000, 30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000];
  }

  /** Sends an event's webhook if the app subscribes to its topic (compliance topics are always sent). */
  handle(event: StoreEvent, force = false): DeliveryRecord | null {
    if (!force && !this.options.topics.has(event.topic)) return null;
    const record: DeliveryRecord = {
      webhookId: randomUUID(),
      eventId: randomUUID(),
      topic: event.topic,
      shop: event.shop,
      attempts: 0,
      outcome: "pending",
      duplicated: false,
      lastStatus: null,
    };
    this.deliveries.push(record);
    if (this.#random() < this.chaos.drop) {
      record.outcome = "dropped";
      return record;
    }
    const body = JSON.stringify(event.payload);
    this.#track(this.#deliver(record, event, body));
    if (this.#random() < this.chaos.duplicate) {
      record.duplicated = true;
      this.#track(this.#deliver(record, event, body));
    }
    return record;
  }

  /** Resolves once every delivery started so far has succeeded or given up. */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #track(promise: Promise<void>) {
    this.#inFlight.add(promise);
    void promise.finally(() => this.#inFlight.delete(promise));
  }

  async #deliver(record: DeliveryRecord, event: StoreEvent, body: string): Promise<void> {
    const [min, max] = this.chaos.delayMs;
    if (max > 0) await sleep(min + this.#random() * (max - min));
    for (let attempt = 0; ; attempt += 1) {
      record.attempts += 1;
      const status = await this.#post(record, event, body);
      record.lastStatus = status;
      if (status >= 200 && status < 300) {
        record.outcome = "delivered";
        return;
      }
      const wait = this.#retryDelays[attempt];
      if (wait === undefined) {
        if (record.outcome !== "delivered") record.outcome = "failed";
        return;
      }
      await sleep(wait);
    }
  }

  async #post(record: DeliveryRecord, event: StoreEvent, body: string): Promise<number> {
    try {
      const response = await fetch(this.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Shopify-Topic": event.topic,
          "X-Shopify-Hmac-Sha256": createHmac("sha256", this.options.secret).update(body).digest("base64"),
          "X-Shopify-Shop-Domain": event.shop,
          "X-Shopify-API-Version": this.options.apiVersion,
          "X-Shopify-Webhook-Id": record.webhookId,
          "X-Shopify-Event-Id": record.eventId,
          "X-Shopify-Triggered-At": event.triggeredAt,
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0; // connection refused or timed out: Shopify retries
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
