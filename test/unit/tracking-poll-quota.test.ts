import { describe, expect, it } from "vitest";
import {
  planPolls,
  POLL_INTERVALS,
  pollInterval,
  type PollShipment,
  type ProviderQuota,
} from "../../app/tracking/poll-quota";
import { isTerminal, TRACKING_STATUSES, type TrackingStatus } from "../../app/tracking/status";
import { createRandom } from "../../devstore/seed/random";

const now = new Date("2026-05-20T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const shipment = (id: string, overrides: Partial<PollShipment> = {}): PollShipment => ({
  id,
  provider: "aftership",
  status: "in_transit",
  lastPolledAt: ago(13 * HOUR),
  lastChangedAt: ago(2 * HOUR),
  ...overrides,
});

const plenty: Record<string, ProviderQuota> = {
  aftership: { perHour: 100, used: 0 },
  "17track": { perHour: 100, used: 0 },
};

describe("pollInterval: recently changed parcels are polled more often", () => {
  it.each<[string, Partial<PollShipment>, number]>([
    ["out for delivery, even if quiet", { status: "out_for_delivery", lastChangedAt: ago(5 * DAY) }, 30 * MIN],
    ["changed an hour ago", { lastChangedAt: ago(HOUR) }, HOUR],
    ["changed two days ago", { lastChangedAt: ago(2 * DAY) }, 3 * HOUR],
    ["changed five days ago", { lastChangedAt: ago(5 * DAY) }, 6 * HOUR],
    ["quiet for two weeks", { lastChangedAt: ago(14 * DAY) }, 12 * HOUR],
    ["change time unknown", { lastChangedAt: null }, 3 * HOUR],
    ["change time unreadable", { lastChangedAt: "recently" }, 3 * HOUR],
  ])("%s -> every %s ms", (_label, overrides, interval) => {
    expect(pollInterval(shipment("s", overrides), now)).toBe(interval);
  });

  it("never polls a quiet parcel more often than a fresh one", () => {
    let previous = 0;
    for (const quietDays of [0, 0.5, 1, 2, 3, 5, 7, 10, 30]) {
      const interval = pollInterval(shipment("s", { lastChangedAt: ago(quietDays * DAY) }), now);
      expect(interval).toBeGreaterThanOrEqual(previous);
      previous = interval;
    }
    expect(previous).toBe(POLL_INTERVALS.stale);
  });
});

describe("planPolls", () => {
  it("skips finished parcels, polls the rest", () => {
    const plan = planPolls({
      shipments: [
        shipment("delivered", { status: "delivered" }),
        shipment("expired", { status: "expired" }),
        shipment("lost", { status: "exception", reason: "lost" }),
        shipment("held", { status: "exception", reason: "customs_hold" }),
        shipment("moving"),
      ],
      quotas: plenty,
      now,
    });
    expect(plan.poll.map((s) => s.id)).toEqual(["held", "moving"]);
    expect(plan.skipped).toEqual([
      { id: "delivered", reason: "terminal" },
      { id: "expired", reason: "terminal" },
      { id: "lost", reason: "terminal" },
    ]);
  });

  it("polls the never-polled first, then the oldest poll first", () => {
    const plan = planPolls({
      shipments: [
        shipment("b", { lastPolledAt: ago(20 * HOUR) }),
        shipment("new-2", { lastPolledAt: null }),
        shipment("a", { lastPolledAt: ago(30 * HOUR) }),
        shipment("new-1", { lastPolledAt: null }),
        shipment("c", { lastPolledAt: ago(20 * HOUR) }),
      ],
      quotas: plenty,
      now,
    });
    expect(plan.poll.map((s) => s.id)).toEqual(["new-1", "new-2", "a", "b", "c"]);
  });

  it("waits for a parcel's interval and says when the next one is due", () => {
    const plan = planPolls({
      shipments: [
        shipment("fresh-polled-now", { lastChangedAt: ago(HOUR), lastPolledAt: ago(10 * MIN) }),
        shipment("stale-polled-recently", { lastChangedAt: ago(20 * DAY), lastPolledAt: ago(11 * HOUR) }),
        shipment("stale-due", { lastChangedAt: ago(20 * DAY), lastPolledAt: ago(12 * HOUR) }),
        shipment("fresh-due", { lastChangedAt: ago(HOUR), lastPolledAt: ago(61 * MIN) }),
      ],
      quotas: plenty,
      now,
    });
    expect(plan.poll.map((s) => s.id)).toEqual(["stale-due", "fresh-due"]);
    expect(plan.skipped).toEqual([
      { id: "fresh-polled-now", reason: "not_due" },
      { id: "stale-polled-recently", reason: "not_due" },
    ]);
    expect(plan.nextDueAt).toBe(new Date(now.getTime() + 50 * MIN).toISOString());
  });

  it("spends no more than what is left of each provider's hourly quota", () => {
    const shipments = [
      ...["a1", "a2", "a3", "a4"].map((id, i) =>
        shipment(id, { provider: "aftership", lastPolledAt: ago((20 - i) * HOUR) })
      ),
      ...["t1", "t2", "t3"].map((id, i) => shipment(id, { provider: "17track", lastPolledAt: ago((20 - i) * HOUR) })),
    ];
    const plan = planPolls({
      shipments,
      quotas: { aftership: { perHour: 10, used: 8 }, "17track": { perHour: 5, used: 5 } },
      now,
    });
    expect(plan.poll.map((s) => s.id)).toEqual(["a1", "a2"]);
    // Skipped in the order they were considered: oldest poll first, ties by id.
    expect(plan.skipped).toEqual([
      { id: "t1", reason: "over_quota" },
      { id: "t2", reason: "over_quota" },
      { id: "a3", reason: "over_quota" },
      { id: "t3", reason: "over_quota" },
      { id: "a4", reason: "over_quota" },
    ]);
  });

  it("never polls a provider without a quota, and treats an overspent or broken quota as empty", () => {
    const plan = planPolls({
      shipments: [
        shipment("e", { provider: "easypost" }),
        shipment("a", { provider: "aftership" }),
        shipment("t", { provider: "17track" }),
      ],
      quotas: { aftership: { perHour: 10, used: 14 }, "17track": { perHour: Number.NaN, used: 0 } },
      now,
    });
    expect(plan.poll).toEqual([]);
    expect(plan.skipped).toEqual([
      { id: "a", reason: "over_quota" },
      { id: "e", reason: "no_quota" },
      { id: "t", reason: "over_quota" },
    ]);
    expect(plan.nextDueAt).toBeUndefined();
  });

  it("with nothing to do, plans nothing", () => {
    expect(planPolls({ shipments: [], quotas: plenty, now })).toEqual({ poll: [], skipped: [] });
  });

  it("keeps its promises on random fleets (seeded)", () => {
    const providers = ["aftership", "17track", "easypost"];
    for (let seed = 1; seed <= 300; seed++) {
      const random = createRandom(seed);
      const shipments: PollShipment[] = Array.from({ length: random.int(0, 40) }, (_, i) => ({
        id: `s${i}`,
        provider: random.pick(providers),
        status: random.pick(TRACKING_STATUSES) as TrackingStatus,
        ...(random.chance(0.2) ? { reason: random.pick(["lost", "delayed", "returned"] as const) } : {}),
        lastPolledAt: random.chance(0.15) ? null : ago(random.int(0, 48 * 60) * MIN),
        lastChangedAt: random.chance(0.1) ? null : ago(random.int(0, 30 * 24) * HOUR),
      }));
      const quotas: Record<string, ProviderQuota> = {};
      for (const p of providers)
        if (random.chance(0.85)) quotas[p] = { perHour: random.int(0, 12), used: random.int(0, 12) };

      const plan = planPolls({ shipments, quotas, now });
      const where = `seed ${seed}`;

      // Every shipment is either polled or skipped, once.
      const ids = [...plan.poll.map((s) => s.id), ...plan.skipped.map((s) => s.id)].sort();
      expect(ids, where).toEqual(shipments.map((s) => s.id).sort());

      for (const p of providers) {
        const polled = plan.poll.filter((s) => s.provider === p).length;
        const q = quotas[p];
        expect(polled, where).toBeLessThanOrEqual(q ? Math.max(0, q.perHour - q.used) : 0);
      }
      for (const s of plan.poll) {
        expect(isTerminal(s.status, s.reason), where).toBe(false);
        const due = s.lastPolledAt === null || Date.parse(s.lastPolledAt) + pollInterval(s, now) <= now.getTime();
        expect(due, where).toBe(true);
      }
      // Oldest first within each provider.
      for (const p of providers) {
        const times = plan.poll
          .filter((s) => s.provider === p)
          .map((s) => (s.lastPolledAt ? Date.parse(s.lastPolledAt) : -Infinity));
        expect(times, where).toEqual([...times].sort((a, b) => a - b));
      }
    }
  });
});
