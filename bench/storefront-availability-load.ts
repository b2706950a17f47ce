// Load generator of the storefront-availability benchmark, in its own process so it does not share the app's
// event loop: `node --import tsx bench/storefront-availability-load.ts http://127.0.0.1:PORT`.
// Sends GET /proxy/availability as Shopify's app proxy forwards it (signed query: shop, logged_in_customer_id,
// path_prefix, timestamp, signature) with the block's settings signed by the shop's widget key.
// Writes JSON lines to stdout: {"phase", "event": "start"|"end"} around each phase (the app process samples
// its CPU, counts database reads and, in "hitsWithWrites", changes stock there), then {"result": LoadResult}.
// Every loop is bounded by time and every request by a timeout.
import { createHmac } from "node:crypto";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { widgetKey } from "../app/storefront-proxy/availability";
import { percentile } from "./harness";
import {
  allKeysShuffled,
  hotVariantIndices,
  PROXY_PATH_PREFIX,
  shopDomain,
  variantId,
  WIDGET_SETTINGS,
  type Key,
} from "./storefront-availability-catalog";

export interface PhaseResult {
  requests: number;
  /** Answers with the status the phase expects (200, or 304 in the If-None-Match phase). */
  ok: number;
  /** Any other status, timeouts and connection errors. */
  errors: number;
  /** Answers per HTTP status; 0 stands for a timeout, an abort or a connection error. */
  statuses: Record<string, number>;
  /** Expected answers per second, from the phase start until the last answer arrived. */
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Share of one core this process used: near 100 would mean the load generator is the bottleneck. */
  loaderCpu: number;
  /** Distinct shop + variant keys the phase asked for. */
  distinctKeys: number;
  /** Open loop only: the latest a request left after its scheduled time (load generator lag). */
  maxSendLag?: number;
  /** Open loop only: requests not sent because more than MAX_BACKLOG_SECONDS of them were unanswered. */
  unsent?: number;
  /** Open loop only: requests still unanswered DRAIN_LIMIT_MS after the last send, aborted (and errors). */
  aborted?: number;
}

export const OPEN_LOOP_PHASES = ["hits", "misses", "notModified", "hitsWithWrites"] as const;
export const CLOSED_LOOP_PHASES = ["serialHits", "serialMisses", "maxHits", "maxMisses"] as const;
export type PhaseName = "warmup" | (typeof OPEN_LOOP_PHASES)[number] | (typeof CLOSED_LOOP_PHASES)[number];

export interface Preflight {
  /** Size of a 200 answer for a hot variant, bytes. */
  bodyBytes: number;
  /** Shops listed in that answer (the visible boutiques). */
  shopsListed: number;
  /** The signed settings were accepted (the answer shows quantities, which only signed settings allow). */
  settingsAccepted: boolean;
  /** A request with a wrong proxy signature was refused (401). */
  forgeryRefused: boolean;
}

export interface LoadResult {
  fixedRateTarget: number;
  connections: number;
  phaseSeconds: number;
  preflight: Preflight;
  phases: Record<PhaseName, PhaseResult>;
}

const FIXED_RATE = Number(process.env.BENCH_RATE ?? 1000);
const CONNECTIONS = 64;
const PHASE_SECONDS = Number(process.env.BENCH_PHASE_SECONDS ?? 10);
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_BACKLOG_SECONDS = 2;
const DRAIN_LIMIT_MS = 30_000;
/** Signed URLs are reused for this long; Shopify's limit (and the app's) is 90 s. */
const SIGNATURE_REUSE_SECONDS = 30;

const origin = new URL(process.argv[2] ?? "http://127.0.0.1:3000");
const secret = process.env.SHOPIFY_API_SECRET ?? "";
if (secret.length < 16) throw new Error("SHOPIFY_API_SECRET must be set to the app's secret");

// ------------------------------------------------------------------ signing, as Shopify and Liquid do it

const hmacHex = (key: string, message: string) => createHmac("sha256", key).update(message).digest("hex");

/** Shopify's app proxy signature: every parameter but `signature` as k=v, sorted, joined with nothing. */
function signProxy(params: [string, string][]): string {
  return hmacHex(
    secret,
    params
      .map(([key, value]) => `${key}=${value}`)
      .sort()
      .join(""),
  );
}

/** The block's `settings | hmac_sha256: widget_key`, per shop (the key is the app-data metafield's value). */
const settingsSignatures = new Map<string, string>();
function settingsSignature(shop: string): string {
  let signature = settingsSignatures.get(shop);
  if (!signature) settingsSignatures.set(shop, (signature = hmacHex(widgetKey(secret, shop), WIDGET_SETTINGS)));
  return signature;
}

/**
 * The path for one shop + variant, signed with a timestamp at most SIGNATURE_REUSE_SECONDS old: signing is done
 * once per key and half-minute (before each phase for its keys), not per request.
 */
const signed = new Map<string, { at: number; path: string }>();
function signedPath(key: Key, extra: [string, string][] = []): string {
  const id = `${key.shop}:${key.n}`;
  const now = Math.floor(Date.now() / 1000);
  const cached = extra.length === 0 ? signed.get(id) : undefined;
  if (cached && now - cached.at < SIGNATURE_REUSE_SECONDS) return cached.path;
  const shop = shopDomain(key.shop);
  const params: [string, string][] = [
    ["variant", variantId(key.shop, key.n)],
    ["settings", WIDGET_SETTINGS],
    ["sig", settingsSignature(shop)],
    ...extra,
    ["shop", shop],
    ["logged_in_customer_id", ""],
    ["path_prefix", PROXY_PATH_PREFIX],
    ["timestamp", String(now)],
  ];
  params.push(["signature", signProxy(params)]);
  const path = `/proxy/availability?${new URLSearchParams(params).toString()}`;
  if (extra.length === 0) signed.set(id, { at: now, path });
  return path;
}

// ------------------------------------------------------------------ requests

interface Answer {
  status: number;
  etag: string | null;
  body: string;
}

const active = new Set<http.ClientRequest>();

/** One GET; resolves with the status (0 for a timeout, an abort or a connection error). Bodies are read only when asked. */
function get(agent: http.Agent, path: string, headers: Record<string, string>, keepBody = false): Promise<Answer> {
  return new Promise<Answer>((resolve) => {
    const request = http.request(
      { host: origin.hostname, port: origin.port, path, method: "GET", agent, timeout: REQUEST_TIMEOUT_MS, headers: { Accept: "application/json", ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        if (keepBody) response.on("data", (chunk: Buffer) => chunks.push(chunk));
        else response.resume();
        response.on("end", () => {
          const etag = response.headers.etag;
          resolve({ status: response.statusCode ?? 0, etag: etag ?? null, body: Buffer.concat(chunks).toString("utf8") });
        });
        response.on("error", () => resolve({ status: 0, etag: null, body: "" }));
      },
    );
    active.add(request);
    request.on("close", () => active.delete(request));
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", () => resolve({ status: 0, etag: null, body: "" }));
    request.end();
  });
}

interface Workload {
  /** The i-th request of the phase. */
  next(i: number): { key: Key; headers: Record<string, string> };
  expected: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const round = (value: number) => Math.round(value * 100) / 100;

class Recorder {
  private readonly latencies: number[] = [];
  private readonly keys = new Set<string>();
  private ok = 0;
  private errors = 0;
  private lastAnswer = 0;
  private readonly statuses: Record<string, number> = {};
  private readonly cpuStart = process.cpuUsage();
  readonly start = performance.now();

  constructor(private readonly expected: number) {}

  record(key: Key, status: number, latencyMs: number) {
    this.keys.add(`${key.shop}:${key.n}`);
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    this.latencies.push(latencyMs);
    if (status === this.expected) this.ok += 1;
    else this.errors += 1;
    this.lastAnswer = performance.now();
  }

  result(extra: Partial<PhaseResult> = {}): PhaseResult {
    const sorted = Float64Array.from(this.latencies).sort();
    const cpu = process.cpuUsage(this.cpuStart);
    const elapsedMs = Math.max(1, this.lastAnswer - this.start);
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
      distinctKeys: this.keys.size,
      ...extra,
    };
  }
}

/** Signs the paths a phase will use before it starts, so the phase itself spends no time on it. */
function presign(work: Workload, count: number) {
  for (let i = 0; i < count; i += 1) signedPath(work.next(i).key);
}

/**
 * Open loop: request i is due at start + i/rate whatever happened before, and its latency is measured from that
 * due time, so a slow answer shows up in the latencies of everything queued behind it (no coordinated omission).
 */
async function openLoop(work: Workload, rate: number, seconds: number, started: () => void): Promise<PhaseResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = rate * seconds;
  presign(work, total);
  started();
  const interval = 1000 / rate;
  const recorder = new Recorder(work.expected);
  const answered: Promise<void>[] = [];
  let inFlight = 0;
  let unsent = 0;
  let maxSendLag = 0;
  for (let i = 0; i < total; ) {
    const now = performance.now();
    // Timers fire every ~1 ms: send everything that has come due since the last tick.
    for (; i < total && recorder.start + i * interval <= now; i += 1) {
      if (inFlight >= rate * MAX_BACKLOG_SECONDS) {
        unsent += 1;
        continue;
      }
      const due = recorder.start + i * interval;
      maxSendLag = Math.max(maxSendLag, now - due);
      const { key, headers } = work.next(i);
      inFlight += 1;
      answered.push(
        get(agent, signedPath(key), headers).then(({ status }) => {
          inFlight -= 1;
          recorder.record(key, status, performance.now() - due);
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
  return recorder.result({ maxSendLag: round(maxSendLag), unsent, aborted });
}

/** Closed loop: `connections` keep-alive connections, each sending its next request as soon as one is answered. */
async function closedLoop(work: Workload, connections: number, seconds: number, started: () => void): Promise<PhaseResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  presign(work, 5_000);
  let i = 0;
  // Open every connection first, unmeasured (connection setup under overload is not what is measured here).
  await Promise.all(Array.from({ length: connections }, () => get(agent, signedPath(work.next(i++).key), {})));
  started();
  const recorder = new Recorder(work.expected);
  const end = recorder.start + seconds * 1000;
  const connection = async () => {
    while (performance.now() < end) {
      const { key, headers } = work.next(i++);
      const path = signedPath(key);
      const sentAt = performance.now();
      const { status } = await get(agent, path, headers);
      recorder.record(key, status, performance.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: connections }, connection));
  agent.destroy();
  return recorder.result();
}

/** A phase between "start" and "end" events; `work` says when measuring starts (after opening connections). */
async function phase(name: PhaseName, work: (started: () => void) => Promise<PhaseResult>): Promise<PhaseResult> {
  const result = await work(() => emit({ phase: name, event: "start" }));
  emit({ phase: name, event: "end" });
  console.error(
    `  ${name}: ${result.rate}/s, p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms, ` +
      `${result.errors} errors of ${result.requests}, ${result.distinctKeys} keys`,
  );
  return result;
}

// ------------------------------------------------------------------ the run

const hot: Key[] = hotVariantIndices().map((n) => ({ shop: 0, n }));
const everyKey = allKeysShuffled();
const etags = new Map<string, string>();

/** Checks the endpoint answers signed requests as the widget expects before anything is measured. */
async function preflight(): Promise<Preflight> {
  const agent = new http.Agent({ keepAlive: true });
  const first = await get(agent, signedPath(hot[0]!), {}, true);
  if (first.status !== 200) throw new Error(`GET /proxy/availability answered ${first.status}: ${first.body.slice(0, 300)}`);
  const body = JSON.parse(first.body) as { quantities: boolean; locations: { quantity: number | null }[] };
  const forged = `${signedPath(hot[1]!).replace(/signature=[0-9a-f]{8}/, "signature=00000000")}`;
  const refused = await get(agent, forged, {});
  for (const key of hot) {
    const answer = await get(agent, signedPath(key), {});
    if (answer.status !== 200 || !answer.etag) throw new Error(`A hot variant answered ${answer.status} without an ETag`);
    etags.set(`${key.shop}:${key.n}`, answer.etag);
  }
  agent.destroy();
  return {
    bodyBytes: Buffer.byteLength(first.body),
    shopsListed: body.locations.length,
    settingsAccepted: body.quantities === true && body.locations.some((l) => l.quantity !== null),
    forgeryRefused: refused.status === 401,
  };
}

const hits: Workload = { next: (i) => ({ key: hot[i % hot.length]!, headers: {} }), expected: 200 };
const misses: Workload = { next: (i) => ({ key: everyKey[i % everyKey.length]!, headers: {} }), expected: 200 };
const notModified: Workload = {
  next: (i) => {
    const key = hot[i % hot.length]!;
    return { key, headers: { "If-None-Match": etags.get(`${key.shop}:${key.n}`)! } };
  },
  expected: 304,
};
// Warm-up: a mix of both, so JIT, the database pool and the app's lazy initialisation reach steady state.
const mixed: Workload = { next: (i) => (i % 2 ? hits.next(i) : misses.next(i * 7)), expected: 200 };

console.error(`Load generator: ${FIXED_RATE}/s open loop and ${CONNECTIONS}-connection closed loops, ${PHASE_SECONDS} s each, against ${origin.origin}`);
const checked = await preflight();
const phases = {} as Record<PhaseName, PhaseResult>;
phases.warmup = await phase("warmup", (started) => closedLoop(mixed, 8, 3, started));
// One request at a time: what a request costs when it does not queue behind others.
phases.serialHits = await phase("serialHits", (started) => closedLoop(hits, 1, 2, started));
phases.serialMisses = await phase("serialMisses", (started) => closedLoop(misses, 1, 2, started));
// Long enough for every cache entry made so far to expire.
await sleep(2_500);
phases.hits = await phase("hits", (started) => openLoop(hits, FIXED_RATE, PHASE_SECONDS, started));
await sleep(500);
phases.misses = await phase("misses", (started) => openLoop(misses, FIXED_RATE, PHASE_SECONDS, started));
await sleep(500);
phases.notModified = await phase("notModified", (started) => openLoop(notModified, FIXED_RATE, PHASE_SECONDS, started));
await sleep(500);
phases.hitsWithWrites = await phase("hitsWithWrites", (started) => openLoop(hits, FIXED_RATE, PHASE_SECONDS, started));
await sleep(500);
phases.maxHits = await phase("maxHits", (started) => closedLoop(hits, CONNECTIONS, PHASE_SECONDS, started));
await sleep(2_500);
phases.maxMisses = await phase("maxMisses", (started) => closedLoop(misses, CONNECTIONS, PHASE_SECONDS, started));

const result: LoadResult = { fixedRateTarget: FIXED_RATE, connections: CONNECTIONS, phaseSeconds: PHASE_SECONDS, preflight: checked, phases };
emit({ result });
