// Shopify's Admin GraphQL rate limit: a leaky bucket of cost points per app and shop.
// A request takes its requested cost up front, is refused whole if the bucket lacks the points,
// and gets back (requested - actual) once it has run. The bucket refills continuously.

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface BucketOptions {
  /** Bucket size in points; default 2000 (the standard plan). */
  maximumAvailable?: number;
  /** Points restored per second; default 100. */
  restoreRate?: number;
  /** Clock in milliseconds; default Date.now. Tests inject their own. */
  now?: () => number;
}

export type TakeResult = { ok: true; status: ThrottleStatus } | { ok: false; status: ThrottleStatus };

const DEFAULT_MAXIMUM_AVAILABLE = 2000;
const DEFAULT_RESTORE_RATE = 100;

export class LeakyBucket {
  private maximumAvailable: number;
  private restoreRate: number;
  private readonly now: () => number;
  /** Exact points available at `updatedAt`; only the reported status is rounded. */
  private available: number;
  private updatedAt: number;

  constructor(options: BucketOptions = {}) {
    this.maximumAvailable = checkLimit("maximumAvailable", options.maximumAvailable ?? DEFAULT_MAXIMUM_AVAILABLE);
    this.restoreRate = checkLimit("restoreRate", options.restoreRate ?? DEFAULT_RESTORE_RATE);
    this.now = options.now ?? Date.now;
    this.available = this.maximumAvailable; // a new bucket starts full
    this.updatedAt = this.now();
  }

  /** Takes `cost` points if that many are available now; otherwise takes nothing. */
  tryTake(cost: number): TakeResult {
    if (!Number.isFinite(cost) || cost < 0) throw new RangeError(`cost must be a finite number >= 0, got ${cost}`);
    this.refill();
    if (cost > this.available) return { ok: false, status: this.snapshot() };
    this.available -= cost;
    return { ok: true, status: this.snapshot() };
  }

  /** Gives back points (the requested cost minus the actual cost), never above maximumAvailable. */
  refund(points: number): ThrottleStatus {
    this.refill();
    // Actual cost never exceeds the requested one, so a negative refund can only be a caller's
    // rounding slip: ignore it rather than charge more than was accepted.
    if (Number.isFinite(points) && points > 0) {
      this.available = Math.min(this.maximumAvailable, this.available + points);
    }
    return this.snapshot();
  }

  status(): ThrottleStatus {
    this.refill();
    return this.snapshot();
  }

  /** Change plan limits (e.g. a test making the bucket small). Keeps currentlyAvailable <= new maximum. */
  configure(options: { maximumAvailable?: number; restoreRate?: number }): void {
    // Time already elapsed refills at the old rate before the new limits apply.
    this.refill();
    if (options.maximumAvailable !== undefined) {
      this.maximumAvailable = checkLimit("maximumAvailable", options.maximumAvailable);
    }
    if (options.restoreRate !== undefined) this.restoreRate = checkLimit("restoreRate", options.restoreRate);
    this.available = Math.min(this.available, this.maximumAvailable);
  }

  private refill(): void {
    const now = this.now();
    // A clock that goes backwards restores nothing (and must not drain the bucket).
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.available = Math.min(this.maximumAvailable, this.available + elapsedSeconds * this.restoreRate);
    this.updatedAt = now;
  }

  private snapshot(): ThrottleStatus {
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.round(this.available * 10) / 10,
      restoreRate: this.restoreRate,
    };
  }
}

export class ThrottleRegistry {
  private defaults: BucketOptions;
  private readonly buckets = new Map<string, Map<string, LeakyBucket>>(); // appKey -> shop -> bucket

  constructor(defaults: BucketOptions = {}) {
    this.defaults = { ...defaults };
  }

  /** One bucket per (appKey, shop) pair, created on first use with the defaults. */
  bucket(appKey: string, shop: string): LeakyBucket {
    let byShop = this.buckets.get(appKey);
    if (!byShop) {
      byShop = new Map();
      this.buckets.set(appKey, byShop);
    }
    let bucket = byShop.get(shop);
    if (!bucket) {
      bucket = new LeakyBucket(this.defaults);
      byShop.set(shop, bucket);
    }
    return bucket;
  }

  /** Reconfigures every existing bucket, and the defaults of buckets created later. */
  configureAll(options: { maximumAvailable?: number; restoreRate?: number }): void {
    this.defaults = { ...this.defaults, ...definedOnly(options) };
    for (const byShop of this.buckets.values()) {
      for (const bucket of byShop.values()) bucket.configure(options);
    }
  }
}

function checkLimit(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}

/** Checked limits without the keys set to undefined, so those do not erase a default when spread. */
function definedOnly(options: { maximumAvailable?: number; restoreRate?: number }): BucketOptions {
  const result: BucketOptions = {};
  if (options.maximumAvailable !== undefined) {
    result.maximumAvailable = checkLimit("maximumAvailable", options.maximumAvailable);
  }
  if (options.restoreRate !== undefined) result.restoreRate = checkLimit("restoreRate", options.restoreRate);
  return result;
}
