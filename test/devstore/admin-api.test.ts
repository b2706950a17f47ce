import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevStore } from "../../devstore/server";
import { adminRequest, startFixtureDevStore, type Fixture } from "../support/devstore";

// The dev store must refuse what Shopify refuses, or our tests prove nothing.

let devstore: RunningDevStore & { fixture: Fixture };
let token: string;
const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;

beforeAll(async () => {
  devstore = await startFixtureDevStore();
  token = devstore.install(devstore.fixture.shop).accessToken;
});
afterAll(() => devstore.close());

const ADJUST = /* GraphQL */ `
  mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
    inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
      userErrors { field message code }
    }
  }
`;
const SET = /* GraphQL */ `
  mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
      userErrors { field message code }
    }
  }
`;
const LEVEL = /* GraphQL */ `
  query Level($id: ID!, $location: ID!) {
    inventoryItem(id: $id) { inventoryLevel(locationId: $location) { quantities(names: ["available", "committed", "on_hand"]) { name quantity } } }
  }
`;

async function quantities(itemId: string, locationId: string): Promise<Record<string, number>> {
  const { body } = await adminRequest(devstore, token, LEVEL, { id: gid("InventoryItem", itemId), location: gid("Location", locationId) });
  return Object.fromEntries(body.data.inventoryItem.inventoryLevel.quantities.map((q: { name: string; quantity: number }) => [q.name, q.quantity]));
}

function change(itemId: string, delta: number, changeFromQuantity: number | null | undefined, locationId = "11") {
  return {
    delta,
    inventoryItemId: gid("InventoryItem", itemId),
    locationId: gid("Location", locationId),
    ...(changeFromQuantity === undefined ? {} : { changeFromQuantity }),
  };
}

describe("dev store Admin API: authentication and the schema", () => {
  it("refuses an unknown access token with Shopify's 401", async () => {
    const { status, body } = await adminRequest(devstore, "shpat_wrong", "query { shop { name } }");
    expect(status).toBe(401);
    expect(body.errors).toMatch(/Invalid API key or access token/);
  });

  it("answers a valid query with data and extensions.cost", async () => {
    const { body } = await adminRequest(devstore, token, "query { shop { name myshopifyDomain currencyCode } }");
    expect(body.data.shop).toEqual({ name: "Fixture Goods", myshopifyDomain: "fixture.myshopify.com", currencyCode: "EUR" });
    expect(body.extensions.cost).toMatchObject({ requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } });
  });

  it("refuses an operation that is invalid against the real schema, as Shopify words it", async () => {
    const { status, body } = await adminRequest(devstore, token, "query { shop { nameOfTheShop } }");
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors[0]).toMatchObject({
      message: "Field 'nameOfTheShop' doesn't exist on type 'Shop'",
      extensions: { code: "undefinedField", typeName: "Shop", fieldName: "nameOfTheShop" },
    });
  });

  it("names a field the dev store does not implement instead of answering null", async () => {
    const { body } = await adminRequest(devstore, token, "query { shop { billingAddress { city } } }");
    expect(body.errors[0].message).toMatch(/does not implement Shop\.billingAddress/);
  });

  it("pages through connections with cursors", async () => {
    const query = "query($after: String) { products(first: 2, after: $after) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }";
    const first = (await adminRequest(devstore, token, query)).body.data.products;
    expect(first.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(["Organic Tee", "Stoneware Mug"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await adminRequest(devstore, token, query, { after: first.pageInfo.endCursor })).body.data.products;
    expect(second.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(["Wool Cap"]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it("finds variants by SKU with Shopify's search syntax", async () => {
    const { body } = await adminRequest(devstore, token, 'query { productVariants(first: 5, query: "sku:MUG-GRY") { nodes { sku inventoryItem { id } } } }');
    expect(body.data.productVariants.nodes).toEqual([{ sku: "MUG-GRY", inventoryItem: { id: gid("InventoryItem", devstore.fixture.items.mug.inventoryItemId) } }]);
  });
});

describe("dev store Admin API: inventory mutation rules (2026-04)", () => {
  it("refuses an inventory mutation without @idempotent and changes nothing", async () => {
    const before = await quantities(devstore.fixture.items.tee.inventoryItemId, "11");
    const { body } = await adminRequest(
      devstore,
      token,
      `mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) { userErrors { message } } }`,
      { input: { reason: "correction", name: "available", changes: [change(devstore.fixture.items.tee.inventoryItemId, 1, null)] } },
    );
    expect(body.errors[0].message).toMatch(/@idempotent\(key: "\.\.\."\) directive is required on inventoryAdjustQuantities/);
    expect(await quantities(devstore.fixture.items.tee.inventoryItemId, "11")).toEqual(before);
  });

  it("refuses an item without an explicit changeFromQuantity, and accepts an explicit null", async () => {
    const item = devstore.fixture.items.tee.inventoryItemId;
    const without = await adminRequest(devstore, token, ADJUST, {
      key: randomUUID(),
      input: { reason: "correction", name: "available", changes: [change(item, 1, undefined)] },
    });
    expect(without.body.errors[0].message).toMatch(/input\.changes\[0\]\.changeFromQuantity is required/);
    const before = (await quantities(item, "11")).available!;
    const withNull = await adminRequest(devstore, token, ADJUST, {
      key: randomUUID(),
      input: { reason: "correction", name: "available", changes: [change(item, 1, null)] },
    });
    expect(withNull.body.data.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect((await quantities(item, "11")).available).toBe(before + 1);
  });

  it("refuses 251 items in one input array", async () => {
    const changes = Array.from({ length: 251 }, () => change(devstore.fixture.items.tee.inventoryItemId, 1, null));
    const { body } = await adminRequest(devstore, token, ADJUST, { key: randomUUID(), input: { reason: "correction", name: "available", changes } });
    expect(body.errors[0]).toMatchObject({
      message: "The input array size of 251 is greater than the maximum allowed of 250.",
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
    });
  });

  it("refuses a stale compare-and-swap with CHANGE_FROM_QUANTITY_STALE and applies no item of the batch", async () => {
    const { tee, mug } = devstore.fixture.items;
    const teeBefore = (await quantities(tee.inventoryItemId, "11")).available!;
    const mugBefore = (await quantities(mug.inventoryItemId, "11")).available!;
    const { body } = await adminRequest(devstore, token, SET, {
      key: randomUUID(),
      input: {
        name: "available",
        reason: "correction",
        referenceDocumentUri: "gid://omnistock/Push/1",
        quantities: [
          { inventoryItemId: gid("InventoryItem", tee.inventoryItemId), locationId: gid("Location", "11"), quantity: 50, changeFromQuantity: teeBefore },
          { inventoryItemId: gid("InventoryItem", mug.inventoryItemId), locationId: gid("Location", "11"), quantity: 50, changeFromQuantity: mugBefore + 7 },
        ],
      },
    });
    expect(body.data.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [
        {
          field: ["input", "quantities", "1", "changeFromQuantity"],
          message: "The changeFromQuantity argument no longer matches the persisted quantity.",
          code: "CHANGE_FROM_QUANTITY_STALE",
        },
      ],
    });
    expect((await quantities(tee.inventoryItemId, "11")).available).toBe(teeBefore);
    expect((await quantities(mug.inventoryItemId, "11")).available).toBe(mugBefore);
  });

  it("sets an absolute quantity when the compare-and-swap matches", async () => {
    const { mug } = devstore.fixture.items;
    const before = (await quantities(mug.inventoryItemId, "12")).available!;
    const { body } = await adminRequest(devstore, token, SET, {
      key: randomUUID(),
      input: {
        name: "available",
        reason: "correction",
        quantities: [{ inventoryItemId: gid("InventoryItem", mug.inventoryItemId), locationId: gid("Location", "12"), quantity: before + 4, changeFromQuantity: before }],
      },
    });
    expect(body.data.inventorySetQuantities.inventoryAdjustmentGroup.changes).toContainEqual({ name: "available", delta: 4, quantityAfterChange: before + 4 });
  });

  it("replays a retried request with the same key (applied once) and refuses the key with other parameters", async () => {
    const item = devstore.fixture.items.tee.inventoryItemId;
    const key = randomUUID();
    const input = { reason: "correction", name: "available", referenceDocumentUri: "gid://omnistock/Sale/7", changes: [change(item, -2, null)] };
    const before = (await quantities(item, "11")).available!;
    const first = await adminRequest(devstore, token, ADJUST, { key, input });
    const retry = await adminRequest(devstore, token, ADJUST, { key, input });
    expect(retry.body.data).toEqual(first.body.data);
    expect((await quantities(item, "11")).available).toBe(before - 2);
    const history = devstore.store.inventoryHistory(devstore.fixture.shop).filter((h) => h.referenceDocumentUri === "gid://omnistock/Sale/7");
    expect(history).toHaveLength(1);

    const reused = await adminRequest(devstore, token, ADJUST, { key, input: { ...input, changes: [change(item, -3, null)] } });
    expect(reused.body.data.inventoryAdjustQuantities.userErrors[0].code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
    expect((await quantities(item, "11")).available).toBe(before - 2);
  });

  it("requires a ledger document for states other than available, and refuses a gid://shopify one", async () => {
    const item = devstore.fixture.items.tee.inventoryItemId;
    const run = (ledgerDocumentUri?: string) =>
      adminRequest(devstore, token, ADJUST, {
        key: randomUUID(),
        input: { reason: "damaged", name: "damaged", changes: [{ ...change(item, 1, null), ...(ledgerDocumentUri ? { ledgerDocumentUri } : {}) }] },
      });
    expect((await run()).body.data.inventoryAdjustQuantities.userErrors[0].code).toBe("INVALID_LEDGER_DOCUMENT");
    expect((await run("gid://shopify/Order/1")).body.data.inventoryAdjustQuantities.userErrors[0].code).toBe("INVALID_LEDGER_DOCUMENT");
    expect((await run("omnistock://damage/1")).body.data.inventoryAdjustQuantities.userErrors).toEqual([]);
  });
});

describe("dev store Admin API: cost and throttling", () => {
  it("throttles a burst that exceeds the bucket, with Shopify's cost figures", async () => {
    const small = await startFixtureDevStore({ bucket: { maximumAvailable: 100, restoreRate: 10 } });
    try {
      const smallToken = small.install(small.fixture.shop).accessToken;
      // products(first: 10) = 2 + 10 x (1 product + variants(first: 2) = 2 + 2 x 1) = 2 + 10 x 5 = 52
      const query = "query { products(first: 10) { nodes { title variants(first: 2) { nodes { sku } } } } }";
      const first = await adminRequest(small, smallToken, query);
      expect(first.body.extensions.cost.requestedQueryCost).toBe(52);
      // Three products came back, one variant each: 2 + 3 x (1 + 2 + 1) = 14; the other 38 are refunded.
      expect(first.body.extensions.cost.actualQueryCost).toBe(14);
      expect(first.body.extensions.cost.throttleStatus.currentlyAvailable).toBeCloseTo(86, 0);

      const results = [];
      for (let i = 0; i < 6; i += 1) results.push((await adminRequest(small, smallToken, query)).body);
      const throttled = results.filter((r) => r.errors?.[0]?.extensions?.code === "THROTTLED");
      expect(throttled.length).toBeGreaterThan(0);
      const [refused] = throttled;
      expect(refused!.data).toBeUndefined();
      expect(refused!.extensions.cost).toMatchObject({ requestedQueryCost: 52, actualQueryCost: null });
      expect(refused!.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(52);
    } finally {
      await small.close();
    }
  });

  it("refuses a single query above 1000 points before running it", async () => {
    const { body } = await adminRequest(devstore, token, "query { products(first: 250) { nodes { variants(first: 250) { nodes { sku } } } } }");
    expect(body.errors[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", maxCost: 1000 });
  });
});

describe("dev store Admin API: orders", () => {
  const ORDER = /* GraphQL */ `
    mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
      orderCreate(order: $order, options: $options) { order { id name } userErrors { code message } }
    }
  `;

  it("orderCreate claims stock available -> committed, obeying the inventory policy", async () => {
    const { mug, cap } = devstore.fixture.items;
    const before = await quantities(mug.inventoryItemId, "11");
    const sold = await adminRequest(devstore, token, ORDER, {
      order: { lineItems: [{ variantId: gid("ProductVariant", mug.variantId), quantity: 1 }] },
      options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    });
    expect(sold.body.data.orderCreate.userErrors).toEqual([]);
    expect(await quantities(mug.inventoryItemId, "11")).toEqual({
      available: before.available! - 1,
      committed: before.committed! + 1,
      on_hand: before.on_hand,
    });

    const outOfStock = await adminRequest(devstore, token, ORDER, {
      order: { lineItems: [{ variantId: gid("ProductVariant", mug.variantId), quantity: 50 }] },
      options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    });
    expect(outOfStock.body.data.orderCreate.userErrors[0].code).toBe("INVENTORY_CLAIM_FAILED");

    // CONTINUE lets the variant oversell: available goes negative, as on Shopify.
    const oversell = await adminRequest(devstore, token, ORDER, {
      order: { lineItems: [{ variantId: gid("ProductVariant", cap.variantId), quantity: 2 }] },
      options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    });
    expect(oversell.body.data.orderCreate.userErrors).toEqual([]);
    expect((await quantities(cap.inventoryItemId, "11")).available).toBe(-2);
  });
});
