import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { adminOperation } from "../../app/shopify/admin-operation";
import { createAdminClient } from "../../app/shopify/admin-client.server";
import type { RunningDevStore } from "../../devstore/server";
import { startFixtureDevStore, type Fixture } from "../support/devstore";

// Our Admin client paces itself from the throttle status Shopify reports, so a long run of requests goes
// at the shop's rate limit without a single THROTTLED answer.

let devstore: RunningDevStore & { fixture: Fixture };
beforeAll(async () => {
  // A small bucket, so the test runs into the limit within a few seconds: 200 points, 100 restored a second.
  devstore = await startFixtureDevStore({ bucket: { maximumAvailable: 200, restoreRate: 100 } });
});
afterAll(() => devstore.close());

// 2 + 10 x (1 + variants (2 + 2 x 1)) = 52 points requested each time.
const products = adminOperation(
  /* GraphQL */ `
    query PacingProducts {
      products(first: 10) {
        nodes {
          title
          variants(first: 2) {
            nodes {
              sku
            }
          }
        }
      }
    }
  `,
  z.object({ products: z.object({ nodes: z.array(z.object({ title: z.string() })) }) }),
);

describe("Admin client pacing", () => {
  it("runs 25 requests against a 200-point bucket without one THROTTLED answer", async () => {
    const { accessToken } = devstore.install(devstore.fixture.shop);
    let throttled = 0;
    let sent = 0;
    const watching: typeof fetch = async (input, init) => {
      sent += 1;
      const response = await fetch(input, init);
      const body = (await response.clone().json()) as { errors?: { extensions?: { code?: string } }[] };
      if (body.errors?.some((e) => e.extensions?.code === "THROTTLED")) throttled += 1;
      return response;
    };
    const admin = createAdminClient({ shop: devstore.fixture.shop, accessToken, origin: devstore.url, fetch: watching });
    const started = Date.now();
    for (let i = 0; i < 25; i += 1) await admin.run(products);
    expect(sent).toBe(25);
    expect(throttled).toBe(0);
    // 25 x 52 requested, but 38 of each refunded (3 products, 1 variant each: actual 14): the run is paced by the
    // refill between requests, never by a refusal.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("paces three loops sending to one shop at once (webhooks, re-reads, pushes) without a THROTTLED answer", async () => {
    const { accessToken } = devstore.install(devstore.fixture.shop);
    let throttled = 0;
    let sent = 0;
    const watching: typeof fetch = async (input, init) => {
      sent += 1;
      const response = await fetch(input, init);
      const body = (await response.clone().json()) as { errors?: { extensions?: { code?: string } }[] };
      if (body.errors?.some((e) => e.extensions?.code === "THROTTLED")) throttled += 1;
      return response;
    };
    // Separate clients, as separate worker loops hold them; the bucket is the shop's, shared by all of them.
    const loops = Array.from({ length: 3 }, () => createAdminClient({ shop: devstore.fixture.shop, accessToken, origin: devstore.url, fetch: watching }));
    await Promise.all(loops.map(async (admin) => {
      for (let i = 0; i < 10; i += 1) await admin.run(products);
    }));
    expect(sent).toBe(30);
    expect(throttled).toBe(0);
  });
});
