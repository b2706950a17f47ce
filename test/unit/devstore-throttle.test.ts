import { describe, expect, it } from "vitest";
import { LeakyBucket, ThrottleRegistry } from "../../devstore/admin/throttle";

/** A clock the test moves by hand. */
function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe("LeakyBucket", () => {
  it("starts full with Shopify's standard limits", () => {
    const clock = fakeClock();
    expect(new LeakyBucket({ now: clock.now }).status()).toEqual({
      maximumAvailable: 2000,
      currentlyAvailable: 2000,
      restoreRate: 100,
    });
  });

  it("takes the cost when available, and refuses a burst beyond it without taking anything", () => {
    const clock = fakeClock();
    const bucket = new LeakyBucket({ now: clock.now });
    expect(bucket.tryTake(800)).toEqual({ ok: true, status: expect.objectContaining({ currentlyAvailable: 1200 }) });
    expect(bucket.tryTake(800).status.currentlyAvailable).toBe(400);
    const refused = bucket.tryTake(800);
    expect(refused.ok).toBe(false);
    expect(refused.status.currentlyAvailable).toBe(400); // untouched
    expect(bucket.tryTake(400).ok).toBe(true); // exactly what is left is fine
    expect(bucket.tryTake(0.1).ok).toBe(false);
  });

  it("refills continuously at restoreRate points per second, up to the maximum", () => {
    const clock = fakeClock();
    const bucket = new LeakyBucket({ now: clock.now });
    bucket.tryTake(2000);
    clock.advance(2500);
    expect(bucket.status().currentlyAvailable).toBe(250); // 2.5 s × 100
    clock.advance(5);
    expect(bucket.status().currentlyAvailable).toBe(250.5); // reported to one decimal
    clock.advance(60_000);
    expect(bucket.status().currentlyAvailable).toBe(2000); // capped
  });

  it("compares against the exact amount, not the rounded one", () => {
    const clock = fakeClock();
    const bucket = new LeakyBucket({ maximumAvailable: 100, restoreRate: 1, now: clock.now });
    bucket.tryTake(100);
    clock.advance(9_960); // 9.96 points, reported as 10
    expect(bucket.status().currentlyAvailable).toBe(10);
    expect(bucket.tryTake(10).ok).toBe(false);
    clock.advance(40);
    expect(bucket.tryTake(10).ok).toBe(true);
  });

  it("a request refused for lack of points goes through once enough has leaked back", () => {
    const clock = fakeClock();
    const bucket = new LeakyBucket({ now: clock.now });
    bucket.tryTake(1900);
    expect(bucket.tryTake(500).ok).toBe(false);
    clock.advance(3000); // 100 + 300 = 400
    expect(bucket.tryTake(500).ok).toBe(false);
    clock.advance(1000); // 500
    expect(bucket.tryTake(500)).toEqual({ ok: true, status: expect.objectContaining({ currentlyAvailable: 0 }) });
  });

  it("refunds the unused part of the requested cost, never above the maximum", () => {
    const clock = fakeClock();
    const bucket = new LeakyBucket({ now: clock.now });
    bucket.tryTake(82); // requested cost
    expect(bucket.refund(82 - 18).currentlyAvailable).toBe(1982); // actual cost 18
    expect(bucket.refund(500).currentlyAvailable).toBe(2000);
    expect(bucket.refund(-50).currentlyAvailable).toBe(2000); // a negative refund takes nothing
  });

  it("configure changes the limits and keeps what is available within the new maximum", () => {
    const clock = fakeClock();
    const bucket = new LeakyBucket({ now: clock.now });
    bucket.configure({ maximumAvailable: 50, restoreRate: 10 });
    expect(bucket.status()).toEqual({ maximumAvailable: 50, currentlyAvailable: 50, restoreRate: 10 });
    expect(bucket.tryTake(60).ok).toBe(false);
    bucket.tryTake(50);
    clock.advance(1000);
    expect(bucket.status().currentlyAvailable).toBe(10); // the new rate
    // Raising the maximum does not fill the bucket; it refills at its rate.
    bucket.configure({ maximumAvailable: 1000 });
    expect(bucket.status()).toEqual({ maximumAvailable: 1000, currentlyAvailable: 10, restoreRate: 10 });
  });

  it("refills the time before a configure at the old rate", () => {
    const clock = fakeClock();
    const bucket = new LeakyBucket({ restoreRate: 100, now: clock.now });
    bucket.tryTake(2000);
    clock.advance(1000); // 100 at the old rate
    bucket.configure({ restoreRate: 1 });
    clock.advance(1000); // + 1 at the new rate
    expect(bucket.status().currentlyAvailable).toBe(101);
  });

  it("refuses nonsense", () => {
    const bucket = new LeakyBucket({ now: () => 0 });
    expect(() => bucket.tryTake(-1)).toThrow(RangeError);
    expect(() => bucket.tryTake(Number.NaN)).toThrow(RangeError);
    expect(() => new LeakyBucket({ maximumAvailable: -1 })).toThrow(RangeError);
    expect(() => bucket.configure({ restoreRate: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

describe("ThrottleRegistry", () => {
  it("keeps one bucket per app and shop", () => {
    const clock = fakeClock();
    const registry = new ThrottleRegistry({ now: clock.now });
    const bucket = registry.bucket("app-a", "one.myshopify.com");
    expect(registry.bucket("app-a", "one.myshopify.com")).toBe(bucket);

    bucket.tryTake(1500);
    expect(registry.bucket("app-a", "one.myshopify.com").status().currentlyAvailable).toBe(500);
    expect(registry.bucket("app-a", "two.myshopify.com").status().currentlyAvailable).toBe(2000); // other shop
    expect(registry.bucket("app-b", "one.myshopify.com").status().currentlyAvailable).toBe(2000); // other app
  });

  it("does not mix up keys that concatenate alike", () => {
    const registry = new ThrottleRegistry({ now: () => 0 });
    registry.bucket("a", "bc").tryTake(100);
    expect(registry.bucket("ab", "c").status().currentlyAvailable).toBe(2000);
  });

  it("creates buckets with the defaults given", () => {
    const clock = fakeClock();
    const registry = new ThrottleRegistry({ maximumAvailable: 1000, restoreRate: 50, now: clock.now });
    const bucket = registry.bucket("app", "shop.myshopify.com");
    bucket.tryTake(1000);
    clock.advance(2000);
    expect(bucket.status()).toEqual({ maximumAvailable: 1000, currentlyAvailable: 100, restoreRate: 50 });
  });

  it("configureAll changes existing buckets and the ones made later", () => {
    const clock = fakeClock();
    const registry = new ThrottleRegistry({ now: clock.now });
    const existing = registry.bucket("app", "one.myshopify.com");
    registry.configureAll({ maximumAvailable: 100 });
    expect(existing.status()).toEqual({ maximumAvailable: 100, currentlyAvailable: 100, restoreRate: 100 });
    expect(registry.bucket("app", "two.myshopify.com").status()).toEqual({
      maximumAvailable: 100,
      currentlyAvailable: 100,
      restoreRate: 100, // not given: the default stays
    });
  });
});
