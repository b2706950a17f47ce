// Load generator for the webhook-intake benchmark, run in its own process so it does not share the app's
// event loop: `node --import tsx bench/webhook-intake-load.ts http://127.0.0.1:PORT`.
// Writes JSON lines to stdout: {"phase":..., "event":"start"|"end"} around each phase (the app process samples
// its CPU there), then {"result": LoadResult}. Every loop is bounded by time and every request by a timeout.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { percentile } from "./harness";

export interface PhaseResult {
  requests: number;
  ok: number;
  /** Non-2xx answers, timeouts and connection errors. */
  errors: number;
  /** How many answers per HTTP status; 0 stands for a timeout, an abort or a connection error. */
  statuses: Record<string, number>;
  /** Successful deliveries per second, from the phase start until the last answer arrived. */
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Share of one core this process used: near 100 would mean the load generator is the bottleneck. */
  loaderCpu: number;
  /** Fixed-rate phase only: the latest a request left after its scheduled time (load generator lag). */
  maxSendLag?: number;
  /** Fixed-rate phase only: requests not sent because the server was more than MAX_BACKLOG_SECONDS behind. */
  unsent?: number;
  /** Fixed-rate phase only: requests still unanswered DRAIN_LIMIT_MS after the last send, aborted (and errors). */
  aborted?: number;
}

export interface LoadResult {
  fixedRateTarget: number;
  connections: number;
  phaseSeconds: number;
  uniqueWebhookIds: number;
  /** Unique webhook ids answered 2xx at least once: each must be stored. */
  acknowledgedWebhookIds: number;
  duplicates: number;
  warmup: PhaseResult;
  fixedRate: PhaseResult;
  maxThroughput: PhaseResult;
}

const FIXED_RATE = 1000;
const CONNECTIONS = 64;
const PHASE_SECONDS = Number(process.env.BENCH_PHASE_SECONDS ?? 10);
const REQUEST_TIMEOUT_MS = 10_000;
// A server far behind has missed the target already; these bounds keep such a run short instead of letting
// the open loop pile up an ever longer queue.
const MAX_BACKLOG_SECONDS = 2;
const DRAIN_LIMIT_MS = 30_000;
const SHOP = "bench.myshopify.com";
const SAMPLES_DIRECTORY = process.env.SHOPIFY_WEBHOOK_SAMPLES ?? "/work/shared/shopify/webhooks";

const target = new URL("/webhooks", process.argv[2] ?? "http://127.0.0.1:3000");
const secret = process.env.SHOPIFY_API_SECRET ?? "";
if (secret.length < 16) throw new Error("SHOPIFY_API_SECRET must be set to the app's secret");

interface Sample {
  topic: string;
  body: Buffer;
  hmac: string;
}

// The HMAC covers only the body, and the webhook id is a header, so each body is signed once up front:
// the load generator spends its CPU on sending, not on crypto.
function sample(file: string, topic: string): Sample {
  const text = readFileSync(`${SAMPLES_DIRECTORY}/${file}`, "utf8").replace(
    /\{shop\}\.myshopify\.com|[a-z0-9-]+\.myshopify\.com/g,
    SHOP,
  );
  const body = Buffer.from(text);
  return { topic, body, hmac: createHmac("sha256", secret).update(body).digest("base64") };
}

// Alternating a large order (~15 KB) and a small inventory level update (~0.2 KB).
const samples = [
  sample("orders__create.json", "orders/create"),
  sample("inventory_levels__update.json", "inventory_levels/update"),
];

// Every 20th delivery repeats an earlier one (a Shopify retry): same webhook id, same event id, still 200.
const sent: { webhookId: string; eventId: string }[] = [];
let sequence = 0;
let duplicates = 0;
const acknowledged = new Set<string>();

function nextDelivery(): { webhookId: string; eventId: string; sample: Sample } {
  sequence += 1;
  const sample = samples[sequence % samples.length]!;
  if (sequence % 20 === 0 && sent.length > 100) {
    duplicates += 1;
    // An id sent a while ago (not one still in flight), as a real retry would be.
    return { ...sent[Math.floor(Math.random() * (sent.length - 100))]!, sample };
  }
  const ids = { webhookId: randomUUID(), eventId: randomUUID() };
  sent.push(ids);
  return { ...ids, sample };
}

// Requests not yet answered, so a phase that runs out of time can abort them and end.
const active = new Set<http.ClientRequest>();

/** One signed delivery; resolves with the HTTP status, or 0 for a timeout, an abort or a connection error. */
function post(agent: http.Agent): Promise<number> {
  const { webhookId, eventId, sample } = nextDelivery();
  return new Promise<number>((resolve) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          "Content-Type": "application/json",
          "Content-Length": sample.body.length,
          "X-Shopify-Topic": sample.topic,
          "X-Shopify-Hmac-Sha256": sample.hmac,
          "X-Shopify-Shop-Domain": SHOP,
          "X-Shopify-Webhook-Id": webhookId,
          "X-Shopify-Event-Id": eventId,
          "X-Shopify-API-Version": "2026-10",
          "X-Shopify-Triggered-At": new Date().toISOString(),
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) acknowledged.add(webhookId);
          resolve(status);
        });
        response.on("error", () => resolve(0));
      },
    );
    active.add(request);
    request.on("close", () => active.delete(request));
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", () => resolve(0));
    request.end(sample.body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

class Recorder {
  private readonly latencies: number[] = [];
  private ok = 0;
  private errors = 0;
  private lastAnswer = 0;
  private readonly statuses: Record<string, number> = {};
  private readonly cpuStart = process.cpuUsage();
  readonly start = performance.now();

  record(status: number, latencyMs: number) {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    this.latencies.push(latencyMs);
    if (status >= 200 && status < 300) this.ok += 1;
    else this.errors += 1;
    this.lastAnswer = performance.now();
  }

  result(extra: Partial<PhaseResult> = {}): PhaseResult {
    const sorted = Float64Array.from(this.latencies).sort();
    const cpu = process.cpuUsage(this.cpuStart);
    const elapsedMs = Math.max(1, this.lastAnswer - this.start);
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      requests: sorted.length,
      ok: this.ok,
      errors: this.errors,
      statuses: this.statuses,
      rate: round((this.ok * 1000) / elapsedMs),
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(percentile(sorted, 100)),
      loaderCpu: round(((cpu.user + cpu.system) / 1000 / (performance.now() - this.start)) * 100),
      ...extra,
    };
  }
}

/**
 * Open loop: request i is due at start + i/rate whatever happened before, and its latency is measured from
 * that due time. A slow answer therefore delays nothing but shows up in the latencies of everything queued
 * behind it (no coordinated omission).
 */
async function fixedRate(rate: number, seconds: number): Promise<PhaseResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = rate * seconds;
  const interval = 1000 / rate;
  const recorder = new Recorder();
  const answered: Promise<void>[] = [];
  let inFlight = 0;
  let unsent = 0;
  let maxSendLag = 0;
  for (let i = 0; i < total; ) {
    const now = performance.now();
    // Timers fire every ~1 ms, so send everything that has come due since the last tick.
    for (; i < total && recorder.start + i * interval <= now; i += 1) {
      if (inFlight >= rate * MAX_BACKLOG_SECONDS) {
        unsent += 1;
        continue;
      }
      const due = recorder.start + i * interval;
      maxSendLag = Math.max(maxSendLag, now - due);
      inFlight += 1;
      answered.push(
        post(agent).then((status) => {
          inFlight -= 1;
          recorder.record(status, performance.now() - due);
        }),
      );
    }
    await sleep(1);
  }
  let timer: NodeJS.Timeout | undefined;
  const drained = Promise.all(answered).then(() => true);
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), DRAIN_LIMIT_MS)));
  const aborted = (await Promise.race([drained, timedOut])) ? 0 : active.size;
  clearTimeout(timer);
  for (const request of active) request.destroy(new Error("phase over"));
  await drained;
  agent.destroy();
  return recorder.result({ maxSendLag: Math.round(maxSendLag * 100) / 100, unsent, aborted });
}

/** Closed loop: `connections` keep-alive connections, each sending its next delivery as soon as one is answered. */
async function closedLoop(connections: number, seconds: number): Promise<PhaseResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  // Open every connection first, unmeasured: a connection opened while the app is saturated waits seconds
  // for its first answer, which would measure connection setup under overload rather than intake.
  await Promise.all(Array.from({ length: connections }, () => post(agent)));
  const recorder = new Recorder();
  const end = recorder.start + seconds * 1000;
  const connection = async () => {
    while (performance.now() < end) {
      const sentAt = performance.now();
      const status = await post(agent);
      recorder.record(status, performance.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: connections }, connection));
  agent.destroy();
  return recorder.result();
}

async function phase(name: string, work: () => Promise<PhaseResult>): Promise<PhaseResult> {
  emit({ phase: name, event: "start" });
  const result = await work();
  emit({ phase: name, event: "end" });
  return result;
}

// Warm-up: JIT, the database pool and the app's lazy initialisation, so the measured phases see steady state.
const warmup = await phase("warmup", () => closedLoop(8, 3));
await sleep(500);
const fixed = await phase("fixedRate", () => fixedRate(FIXED_RATE, PHASE_SECONDS));
await sleep(500);
const maxThroughput = await phase("maxThroughput", () => closedLoop(CONNECTIONS, PHASE_SECONDS));

const result: LoadResult = {
  fixedRateTarget: FIXED_RATE,
  connections: CONNECTIONS,
  phaseSeconds: PHASE_SECONDS,
  uniqueWebhookIds: sent.length,
  acknowledgedWebhookIds: acknowledged.size,
  duplicates,
  warmup,
  fixedRate: fixed,
  maxThroughput,
};
emit({ result });
