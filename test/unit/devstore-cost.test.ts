import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, execute, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import {
  actualQueryCost,
  MAX_SINGLE_QUERY_COST,
  MUTATION_FIELD_COST,
  requestedQueryCost,
} from "../../devstore/admin/cost";

const schema = buildSchema(
  readFileSync(path.resolve(import.meta.dirname, "../../../shared/shopify/admin/admin-2026-01.graphql"), "utf8"),
  { assumeValidSDL: true },
);

function requested(query: string, variables: Record<string, unknown> = {}, operationName?: string): number {
  const document = parse(query);
  // Every document here is a real Admin query: a typo would silently cost 0 and prove nothing.
  expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  return requestedQueryCost(schema, document, operationName, variables);
}

function actual(query: string, data: unknown, variables: Record<string, unknown> = {}): number {
  return actualQueryCost(schema, parse(query), undefined, variables, data);
}

const PRODUCTS_WITH_VARIANTS = `query {
  products(first: 10) { edges { node { title variants(first: 5) { edges { node { price } } } } } }
}`;

describe("requestedQueryCost", () => {
  it.each([
    ["a scalar on an object", `query { shop { name } }`, 1], // shop 1 + name 0
    ["nested objects", `query { shop { name primaryDomain { host } } }`, 2], // shop 1 + primaryDomain 1
    // variant node 1 + price 0 = 1; variants 2 + 5×1 = 7; product node 1 + 7 = 8; products 2 + 10×8
    ["nested connections", PRODUCTS_WITH_VARIANTS, 82],
    [
      "three levels of connections, with a list and an object under the innermost node",
      `query { products(first: 2) { nodes { variants(first: 3) { nodes { inventoryItem {
        inventoryLevels(first: 4) { nodes { quantities(names: ["available", "on_hand"]) { name quantity } location { name } } }
      } } } } } }`,
      // level node 1 + quantities 1 + location 1 = 3; inventoryLevels 2 + 4×3 = 14; inventoryItem 1 + 14 = 15;
      // variant node 1 + 15 = 16; variants 2 + 3×16 = 50; product node 1 + 50 = 51; products 2 + 2×51
      104,
    ],
    ["last instead of first", `query { products(last: 3) { nodes { id } } }`, 5], // 2 + 3×1
    ["neither first nor last counts 0 nodes", `query { products { nodes { id } } }`, 2], // 2 + 0×1
    ["a connection selecting only pageInfo", `query { locations(first: 20) { pageInfo { hasNextPage } } }`, 2], // 2 + 20×0
    ["locations", `query { locations(first: 20) { nodes { name isActive } } }`, 22], // 2 + 20×1
    // edges: node 1 + cursor 0 = 1; nodes: 1; same nodes, so max(1, 1) = 1; pageInfo free: 2 + 10×1
    [
      "edges and nodes together count each node once",
      `query { products(first: 10) { edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } } }`,
      12,
    ],
    // edges: node 1 + variants (2 + 2×1) = 5; nodes: 1; max(5, 1) = 5; 2 + 10×5
    [
      "edges and nodes selecting different things: the dearer one",
      `query { products(first: 10) { edges { node { variants(first: 2) { nodes { id } } } } nodes { id } } }`,
      52,
    ],
    ["aliases of one field are charged each", `query { a: shop { name } b: shop { id } }`, 2], // 1 + 1
    ["the same field twice is one field", `query { shop { name } shop { id } }`, 1], // merged into one shop
    [
      "aliased connections with their own page sizes",
      `query { few: products(first: 5) { nodes { id } } many: products(first: 10) { nodes { id } } }`,
      19, // (2 + 5×1) + (2 + 10×1)
    ],
    [
      "a named fragment",
      `query { products(first: 4) { nodes { variants(first: 3) { nodes { ...Stock } } } } }
       fragment Stock on ProductVariant { sku inventoryItem { id tracked } }`,
      // variant node 1 + inventoryItem 1 = 2; variants 2 + 3×2 = 8; product node 1 + 8 = 9; products 2 + 4×9
      38,
    ],
    [
      "an inline fragment without a type condition",
      `query { shop { ... { primaryDomain { host } } } }`,
      2, // shop 1 + primaryDomain 1
    ],
    [
      "lists of objects are not multiplied",
      `query { nodes(ids: ["gid://shopify/Product/1", "gid://shopify/Product/2"]) { id } }`,
      1,
    ], // 1 + id 0
    [
      "a list of an interface takes the dearest fragment once",
      `query { nodes(ids: ["gid://shopify/ProductVariant/1"]) { ... on Product { title } ... on ProductVariant { inventoryItem { id } } } }`,
      2, // 1 + max(Product 0, ProductVariant: inventoryItem 1)
    ],
    [
      "an interface: the most expensive possible type",
      `query { node(id: "gid://shopify/Product/1") {
        id
        ... on Product { variants(first: 5) { nodes { id } } }
        ... on Location { inventoryLevels(first: 2) { nodes { id } } }
      } }`,
      8, // node 1 + max(Product: 2 + 5×1 = 7, Location: 2 + 2×1 = 4)
    ],
    [
      "a fragment on the interface itself applies to every type",
      `query { node(id: "gid://shopify/Location/1") { ...Id ... on Location { name } } } fragment Id on Node { id }`,
      1, // node 1 + id 0 + name 0
    ],
    ["__typename is free", `query { __typename shop { __typename } }`, 1], // shop 1
    ["introspection is free", `query { __schema { types { name } } __type(name: "Shop") { name } }`, 0],
    ["@skip with a literal", `query { shop @skip(if: true) { name } locations(first: 3) { nodes { id } } }`, 5], // 0 + 2 + 3×1
    ["@include with a literal", `query { shop @include(if: false) { name } }`, 0],
  ])("%s", (_name, query, cost) => {
    expect(requested(query)).toBe(cost);
  });

  it("reads first/last from variables, with the variable's default when not given", () => {
    const query = `query Products($n: Int = 7) { products(first: $n) { edges { node { id } } } }`;
    expect(requested(query, { n: 25 })).toBe(27); // 2 + 25×1
    expect(requested(query, {})).toBe(9); // 2 + 7×1 (the default)
    expect(requested(query, { n: null })).toBe(2); // explicit null: no page size, 2 + 0×1
  });

  it("honours @include / @skip with variables, on fields and fragments", () => {
    const query = `query ($withVariants: Boolean!, $skipShop: Boolean!) {
      shop @skip(if: $skipShop) { name }
      products(first: 10) { nodes { id ...Variants @include(if: $withVariants) } }
    }
    fragment Variants on Product { variants(first: 5) { nodes { id } } }`;
    expect(requested(query, { withVariants: false, skipShop: true })).toBe(12); // 0 + 2 + 10×1
    // shop 1 + products 2 + 10×(1 + variants (2 + 5×1)) = 1 + 82
    expect(requested(query, { withVariants: true, skipShop: false })).toBe(83);
  });

  it("charges each mutation field 10, whatever it selects", () => {
    const adjust = `inventoryAdjustQuantities(input: $input) {
      userErrors { field message }
      inventoryAdjustmentGroup { changes { name delta item { id } location { name } } }
    }`;
    expect(requested(`mutation Adjust($input: InventoryAdjustQuantitiesInput!) { ${adjust} }`)).toBe(
      MUTATION_FIELD_COST,
    );
    // Two aliased calls are two fields; __typename is free: 10 + 10
    expect(
      requested(
        `mutation Adjust($input: InventoryAdjustQuantitiesInput!) { __typename one: ${adjust} two: ${adjust} }`,
      ),
    ).toBe(20);
  });

  it("costs the operation picked by operationName, and nothing when none can be picked", () => {
    const document = `query Shop { shop { name } } query Locations { locations(first: 50) { nodes { id } } }`;
    expect(requested(document, {}, "Locations")).toBe(52); // 2 + 50×1
    expect(requested(document, {}, "Shop")).toBe(1);
    expect(requested(document, {}, undefined)).toBe(0); // ambiguous: execution reports the error
    expect(requested(document, {}, "Nope")).toBe(0);
  });

  it("a page of 250 products with 100 variants each is over the single-query limit", () => {
    const query = `query { products(first: 250) { nodes { id variants(first: 100) { nodes { id } } } } }`;
    // product node 1 + variants (2 + 100×1) = 103; products 2 + 250×103
    expect(requested(query)).toBe(25_752);
    expect(requested(query)).toBeGreaterThan(MAX_SINGLE_QUERY_COST);
  });
});

describe("actualQueryCost", () => {
  it("counts the edges that came back, not the page size asked for", () => {
    const variants = (n: number) => ({ edges: Array.from({ length: n }, () => ({ node: { price: "1.00" } })) });
    const data = {
      products: {
        edges: [2, 0, 5].map((n) => ({ node: { title: "T", variants: variants(n) } })),
      },
    };
    // product nodes: 1 + (2 + 2×1) = 5, 1 + (2 + 0) = 3, 1 + (2 + 5×1) = 8; products 2 + 5 + 3 + 8
    expect(actual(PRODUCTS_WITH_VARIANTS, data)).toBe(18);
    expect(actual(PRODUCTS_WITH_VARIANTS, { products: { edges: [] } })).toBe(2); // an empty page
  });

  it("counts `nodes` the same way, under the field's alias", () => {
    const query = `query { page: products(first: 50) { list: nodes { id } info: pageInfo { hasNextPage } } }`;
    const data = { page: { list: [{ id: "1" }, { id: "2" }, { id: "3" }], info: { hasNextPage: false } } };
    expect(actual(query, data)).toBe(5); // 2 + 3×1
  });

  it("charges an object that came back null 1 point and nothing below it", () => {
    const query = `query { product(id: "gid://shopify/Product/404") { variants(first: 5) { nodes { id } } } }`;
    expect(requested(query)).toBe(8); // 1 + (2 + 5×1)
    expect(actual(query, { product: null })).toBe(1);
  });

  it("charges a connection that came back null its own 2 points", () => {
    const query = `query { inventoryItem(id: "gid://shopify/InventoryItem/1") { variants(first: 5) { nodes { id } } } }`;
    expect(actual(query, { inventoryItem: { variants: null } })).toBe(3); // inventoryItem 1 + variants 2
  });

  it("charges a list of objects 1 + its dearest item", () => {
    const query = `query { nodes(ids: ["gid://shopify/Product/1", "gid://shopify/Product/2", "gid://shopify/Product/3"]) {
      ... on Product { variants(first: 5) { nodes { id } } }
    } }`;
    expect(requested(query)).toBe(8); // 1 + (2 + 5×1)
    const data = {
      nodes: [
        { variants: { nodes: [{ id: "1" }, { id: "2" }, { id: "3" }] } },
        null,
        { variants: { nodes: [{ id: "4" }] } },
      ],
    };
    expect(actual(query, data)).toBe(6); // 1 + max(2 + 3×1, 0, 2 + 1×1)
    expect(actual(query, { nodes: [] })).toBe(1);
  });

  it("costs an interface by the type that came back", () => {
    const query = `query { node(id: "gid://shopify/Location/1") {
      __typename
      ... on Product { variants(first: 5) { nodes { id } } }
      ... on Location { name inventoryLevels(first: 10) { nodes { id } } }
    } }`;
    const location = { __typename: "Location", name: "Depot", inventoryLevels: { nodes: [{ id: "1" }, { id: "2" }] } };
    expect(actual(query, { node: location })).toBe(5); // node 1 + inventoryLevels (2 + 2×1)
    // Without __typename in the data, the fields that came back still tell: same cost.
    const { __typename: _, ...untyped } = location;
    expect(actual(query, { node: untyped })).toBe(5);
  });

  it("matches a real execution of the same document (aliases, fragments, nested pages)", () => {
    const query = `query Stock($products: Int!, $levels: Int!) {
      catalogue: products(first: $products) { nodes { id ...Levels } pageInfo { hasNextPage } }
    }
    fragment Levels on Product {
      variants(first: 3) { edges { node { inventoryItem { inventoryLevels(first: $levels) {
        nodes { quantities(names: ["available"]) { quantity } }
      } } } } }
    }`;
    const variables = { products: 10, levels: 5 };
    // level node 1 + quantities 1 = 2; inventoryLevels 2 + 5×2 = 12; inventoryItem 1 + 12 = 13;
    // variant node 1 + 13 = 14; variants 2 + 3×14 = 44; product node 1 + 44 = 45; products 2 + 10×45
    expect(requested(query, variables)).toBe(452);

    const level = { quantities: () => [{ quantity: 4 }] };
    const variant = (levels: number) => ({ inventoryItem: { inventoryLevels: { nodes: Array(levels).fill(level) } } });
    const product = (id: string, levelsPerVariant: number[]) => ({
      id,
      variants: { edges: levelsPerVariant.map((n) => ({ node: variant(n) })) },
    });
    const rootValue = {
      products: { nodes: [product("1", [1, 2]), product("2", [])], pageInfo: { hasNextPage: false } },
    };
    const result = execute({ schema, document: parse(query), rootValue, variableValues: variables });
    expect(result).not.toHaveProperty("errors");
    expect("data" in result && result.data).toBeTruthy();
    const data = "data" in result ? result.data : undefined;
    // product 1: variants with 1 and 2 levels: variant nodes 1 + (1 + (2 + 1×2)) = 6 and 1 + (1 + (2 + 2×2)) = 8,
    //   variants 2 + 6 + 8 = 16, product node 1 + 16 = 17
    // product 2: no variants: variants 2, product node 1 + 2 = 3
    // products 2 + 17 + 3
    expect(actualQueryCost(schema, parse(query), "Stock", variables, data)).toBe(22);
  });

  it("a query with no data costs nothing; a mutation costs 10 a field whatever came back", () => {
    expect(actual(PRODUCTS_WITH_VARIANTS, null)).toBe(0);
    expect(actual(PRODUCTS_WITH_VARIANTS, undefined)).toBe(0);
    const mutation = `mutation ($input: InventoryAdjustQuantitiesInput!) {
      a: inventoryAdjustQuantities(input: $input) { userErrors { message } }
      b: inventoryAdjustQuantities(input: $input) { userErrors { message } }
    }`;
    expect(actual(mutation, null)).toBe(20);
    expect(actual(mutation, { a: { userErrors: [] }, b: null })).toBe(20);
  });
});

describe("nodes(ids:)", () => {
  const query = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on InventoryItem { sku inventoryLevels(first: 2) { nodes { id } } } } }`;

  it("charges one lookup per id", () => {
    // per id: 1 (the node) + inventoryLevels (2 + 2 x 1) = 5; three ids = 15
    expect(requested(query, { ids: ["a", "b", "c"] })).toBe(15);
    expect(requested(query, { ids: ["a"] })).toBe(5);
  });

  it("actually costs what came back: a missing node costs 1, a found one its levels too", () => {
    const data = { nodes: [{ id: "a", sku: "X", inventoryLevels: { nodes: [{ id: "l1" }] } }, null] };
    // found: 1 + (2 + 1 x 1) = 4; missing: 1; total 5
    expect(actual(query, data, { ids: ["a", "b"] })).toBe(5);
  });
});
