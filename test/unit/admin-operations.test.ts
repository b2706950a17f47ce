import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { itemReadCost, itemReadPlan, ITEMS_PER_READ, LEVELS_PER_ITEM } from "../../app/inventory/admin-operations";
import { MAX_SINGLE_QUERY_COST, requestedQueryCost } from "../../devstore/admin/cost";
import { adminSchema, appAdminOperations, validateAdminDocument } from "../support/admin-schema";

describe("Admin GraphQL operations", () => {
  it("finds the app's operations (each module keeps them in admin-operations.ts)", async () => {
    const operations = await appAdminOperations();
    expect(operations.map((o) => o.operation.name)).toContain("ShopDetails");
    const names = operations.map((o) => o.operation.name);
    expect(new Set(names).size, "operation names must be unique").toBe(names.length);
  });

  it("every operation validates against the Admin schema and uses nothing deprecated", async () => {
    for (const { file, operation } of await appAdminOperations()) {
      expect(validateAdminDocument(operation.document), `${file}: ${operation.name}`).toEqual([]);
    }
  });

  it("every operation costs at most Shopify's 1,000-point single-query limit at the sizes the app sends", async () => {
    // The largest variables each operation is sent with: nodes(ids:) batches are ITEMS_PER_READ long.
    const largest = { ids: Array.from({ length: ITEMS_PER_READ }, (_, i) => `gid://shopify/InventoryItem/${i}`), first: ITEMS_PER_READ, levels: LEVELS_PER_ITEM };
    for (const { file, operation } of await appAdminOperations()) {
      const cost = requestedQueryCost(adminSchema(), parse(operation.document), operation.name, largest);
      expect(cost, `${file}: ${operation.name} costs ${cost}`).toBeLessThanOrEqual(MAX_SINGLE_QUERY_COST);
    }
  });

  it("item reads sized to the shop's locations stay under 1,000 points and cost what itemReadCost says", async () => {
    const operations = await appAdminOperations();
    const byId = operations.find((o) => o.operation.name === "InventoryItemsById")!.operation;
    const page = operations.find((o) => o.operation.name === "InventoryItemsPage")!.operation;
    for (const locations of [0, 1, 2, 3, 5, 10, 25, 48, 60, 200]) {
      const { levels, itemsPerRead } = itemReadPlan(locations);
      expect(levels).toBeGreaterThanOrEqual(Math.min(LEVELS_PER_ITEM, locations));
      const ids = Array.from({ length: itemsPerRead }, (_, i) => `gid://shopify/InventoryItem/${i}`);
      const cost = requestedQueryCost(adminSchema(), parse(byId.document), byId.name, { ids, levels });
      expect(cost, `${locations} locations`).toBe(itemsPerRead * itemReadCost(levels));
      expect(cost).toBeLessThanOrEqual(MAX_SINGLE_QUERY_COST);
      const paged = requestedQueryCost(adminSchema(), parse(page.document), page.name, { first: itemsPerRead, levels });
      expect(paged).toBeLessThanOrEqual(MAX_SINGLE_QUERY_COST);
    }
    // A three-location shop reads dozens of items per request, not six.
    expect(itemReadPlan(3).itemsPerRead).toBeGreaterThan(40);
  });

  it("the check fails on a field the schema does not have", () => {
    const errors = validateAdminDocument("query Q { shop { nameOfTheShop } }");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Cannot query field "nameOfTheShop" on type "Shop"/);
  });

  it("the check fails on a deprecated field", () => {
    expect(validateAdminDocument("query Q { shop { plan { displayName } } }")[0]).toMatch(
      /ShopPlan\.displayName is deprecated/,
    );
  });

  it("the check fails on what 2026-04 removed: compareQuantity and inventorySetOnHandQuantities", () => {
    const withCompareQuantity = validateAdminDocument(`
      mutation M {
        inventorySetQuantities(input: {
          name: "available", reason: "correction", ignoreCompareQuantity: true,
          quantities: [{ inventoryItemId: "gid://shopify/InventoryItem/1", locationId: "gid://shopify/Location/1",
                         quantity: 1, compareQuantity: 0 }]
        }) { userErrors { message } }
      }
    `);
    expect(withCompareQuantity.join("\n")).toMatch(/compareQuantity.*is deprecated/);
    const withDeprecatedMutation = validateAdminDocument(`
      mutation M($input: InventorySetOnHandQuantitiesInput!) {
        inventorySetOnHandQuantities(input: $input) { userErrors { message } }
      }
    `);
    expect(withDeprecatedMutation.join("\n")).toMatch(/inventorySetOnHandQuantities is deprecated/);
  });

  it("accepts the @idempotent directive that inventory mutations need", () => {
    expect(
      validateAdminDocument(`
        mutation M($input: InventoryAdjustQuantitiesInput!, $key: String!) {
          inventoryAdjustQuantities(input: $input) @idempotent(key: $key) { userErrors { message } }
        }
      `),
    ).toEqual([]);
  });
});
