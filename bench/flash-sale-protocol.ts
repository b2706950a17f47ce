// Messages between the flash-sale benchmark (which runs the dev store and the shoppers) and the app process
// (bench/flash-sale-app.ts), over Node's IPC channel.

export interface WorkCounts {
  /** Webhook deliveries stored and not processed yet (pending or being processed). */
  webhooks: number;
  /** Items queued for a re-read. */
  refreshes: number;
  /** Channel pushes pending or being pushed. */
  pushes: number;
  failedWebhooks: number;
  failedPushes: number;
  /** Linked-store sale lines taken from the home store. */
  reservations: number;
}

export type BenchToApp =
  | {
      type: "setup";
      home: string;
      linked: string[];
      scopes: string;
      installations: { shop: string; accessToken: string }[];
    }
  | { type: "counts" }
  | { type: "stop" };

export type AppToBench =
  | { type: "listening"; url: string }
  | { type: "ready"; matched: Record<string, number>; setupMs: number }
  | { type: "counts"; counts: WorkCounts }
  | { type: "stopped"; counts: WorkCounts; failures: string[] }
  | { type: "error"; message: string };
