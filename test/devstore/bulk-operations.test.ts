import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevStore } from "../../devstore/server";
import { adminRequest, startFixtureDevStore, type Fixture } from "../support/devstore";

// Bulk operations over HTTP, as an app sees them: bulkOperationRunQuery refuses what Shopify refuses, the
// operation completes on its own, its JSONL is served at its URL with nested nodes on their own lines, and
// bulk_operations/finish arrives signed.

let devstore: RunningDevStore & { fixture: Fixture };
let token: string;
let receiver: http.Server;
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;

beforeAll(async () => {
  // A stand-in for the app's webhook endpoint: records what the dev store delivers.
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  devstore = await startFixtureDevStore({ bulkDelayMs: 150 });
  devstore.setAppUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}`);
  token = devstore.install(devstore.fixture.shop).accessToken;
});
afterAll(async () => {
  await devstore.close();
  await new Promise((resolve) => receiver.close(resolve));
});
afterEach(() => {
  devstore.bulk.settings = { delayMs: 150, fail: null };
});

const RUN = /* GraphQL */ `
  mutation Run($query: String!, $group: Boolean!) {
    bulkOperationRunQuery(query: $query, groupObjects: $group) {
      bulkOperation { id status objectCount url createdAt }
      userErrors { field message code }
    }
  }
`;
const STATUS = /* GraphQL */ `
  query Status($id: ID!) {
    bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt type query }
  }
`;
const ITEMS = `{
  inventoryItems {
    edges {
      node {
        id
        sku
        variants { edges { node { id sku product { title } } } }
        inventoryLevels { edges { node { location { id } quantities(names: ["available", "committed"]) { name quantity } } } }
      }
    }
  }
}`;

async function run(query: string, group = true, apiVersion = "2026-10") {
  const response = await fetch(`${devstore.url}/admin/api/${apiVersion}/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query: RUN, variables: { query, group } }),
  });
  return (await response.json()) as { data: { bulkOperationRunQuery: { bulkOperation: any; userErrors: any[] } }; extensions: any; errors?: any };
}

async function status(id: string) {
  return (await adminRequest(devstore, token, STATUS, { id })).body.data.bulkOperation;
}

async function finished(id: string) {
  for (let i = 0; i < 100; i += 1) {
    const op = await status(id);
    if (!["CREATED", "RUNNING", "CANCELING"].includes(op.status)) return op;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`bulk operation ${id} never finished`);
}

const jsonl = async (url: string) =>
  (await (await fetch(url)).text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);

describe("bulkOperationRunQuery", () => {
  it("runs the query over every object and serves JSONL with nested nodes on their own lines", async () => {
    const started = await run(ITEMS);
    expect(started.data.bulkOperationRunQuery.userErrors).toEqual([]);
    const created = started.data.bulkOperationRunQuery.bulkOperation;
    expect(created).toMatchObject({ status: "CREATED", objectCount: "0", url: null });
    // A mutation costs 10 points like any other; running the query over the catalog costs nothing.
    expect(started.extensions.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });

    const op = await finished(created.id);
    const shop = devstore.store.shop(devstore.fixture.shop);
    expect(op).toMatchObject({ status: "COMPLETED", errorCode: null, type: "QUERY", query: ITEMS, partialDataUrl: null });
    expect(op.completedAt).toEqual(expect.any(String));
    // 3 items, their 3 variants and 6 levels; UnsignedInt64 comes as a string, as Shopify sends it.
    expect(op).toMatchObject({ rootObjectCount: "3", objectCount: String(3 + 3 + shop.inventoryLevels.size) });

    const body = await (await fetch(op.url)).text();
    expect(op.fileSize).toBe(String(Buffer.byteLength(body)));
    const lines = body.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
    const roots = lines.filter((line) => !("__parentId" in line));
    expect(roots.map((line) => line.sku)).toEqual(["TEE-BLK-M", "MUG-GRY", "CAP-NVY"]);
    // Nested connections are not inside their parent's line.
    for (const root of roots) expect(Object.keys(root).sort()).toEqual(["id", "sku"]);
    const tee = devstore.fixture.items.tee;
    const teeChildren = lines.filter((line) => line.__parentId === gid("InventoryItem", tee.inventoryItemId));
    expect(teeChildren).toContainEqual({ id: gid("ProductVariant", tee.variantId), sku: "TEE-BLK-M", product: { title: "Organic Tee" }, __parentId: gid("InventoryItem", tee.inventoryItemId) });
    const warehouse = teeChildren.find((line) => line.location?.id === gid("Location", devstore.fixture.warehouse));
    const truth = shop.inventoryLevels.get(`${tee.inventoryItemId}:${devstore.fixture.warehouse}`)!.quantities;
    expect(warehouse!.quantities).toEqual([
      { name: "available", quantity: truth.available },
      { name: "committed", quantity: truth.committed },
    ]);
    // groupObjects: every child follows its parent, before the next root.
    let currentRoot: string | null = null;
    for (const line of lines) {
      if (!("__parentId" in line)) currentRoot = line.id;
      else expect(line.__parentId).toBe(currentRoot);
    }
  });

  it("without groupObjects, writes every root object before the nested ones", async () => {
    const op = await finished((await run(ITEMS, false)).data.bulkOperationRunQuery.bulkOperation.id);
    const lines = await jsonl(op.url);
    const firstChild = lines.findIndex((line) => "__parentId" in line);
    expect(firstChild).toBe(3);
    expect(lines.slice(firstChild).every((line) => "__parentId" in line)).toBe(true);
  });

  it("answers node(id:), currentBulkOperation and bulkOperations with the same operation", async () => {
    const id = (await run(ITEMS)).data.bulkOperationRunQuery.bulkOperation.id;
    const { body } = await adminRequest(
      devstore,
      token,
      `query($id: ID!) { node(id: $id) { ... on BulkOperation { id status } } currentBulkOperation { id } bulkOperations(first: 1) { nodes { id } } }`,
      { id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.node).toEqual({ id, status: expect.stringMatching(/CREATED|RUNNING|COMPLETED/) });
    expect(body.data.currentBulkOperation.id).toBe(id);
    expect(body.data.bulkOperations.nodes).toEqual([{ id }]);
    await finished(id);
  });

  it("delivers bulk_operations/finish, signed with the app's secret", async () => {
    const id = (await run(ITEMS)).data.bulkOperationRunQuery.bulkOperation.id;
    const op = await finished(id);
    await devstore.dispatcher.settle();
    const delivery = received.find((r) => r.headers["x-shopify-topic"] === "bulk_operations/finish" && JSON.parse(r.body).admin_graphql_api_id === id);
    expect(delivery, "the webhook was delivered").toBeDefined();
    const expected = createHmac("sha256", process.env.SHOPIFY_API_SECRET!).update(delivery!.body).digest("base64");
    expect(delivery!.headers["x-shopify-hmac-sha256"]).toBe(expected);
    expect(delivery!.headers["x-shopify-shop-domain"]).toBe(devstore.fixture.shop);
    expect(delivery!.headers["x-shopify-webhook-id"]).toEqual(expect.any(String));
    expect(JSON.parse(delivery!.body)).toEqual({
      admin_graphql_api_id: id,
      completed_at: op.completedAt,
      created_at: op.createdAt,
      error_code: null,
      status: "completed",
      type: "query",
    });
  });

  it("refuses a sixth concurrent bulk query (five from 2026-01) and a second one on older versions", async () => {
    devstore.bulk.settings.delayMs = 60_000;
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const started = await run(ITEMS);
      expect(started.data.bulkOperationRunQuery.userErrors).toEqual([]);
      ids.push(started.data.bulkOperationRunQuery.bulkOperation.id);
    }
    const sixth = await run(ITEMS);
    expect(sixth.data.bulkOperationRunQuery).toEqual({
      bulkOperation: null,
      userErrors: [{ field: null, message: "Bulk operations limit reached. Please try again later.", code: "LIMIT_REACHED" }],
    });
    const older = await run(ITEMS, true, "2025-10");
    expect(older.data.bulkOperationRunQuery.userErrors).toEqual([
      { field: null, message: `A bulk query operation for this app and shop is already in progress: ${ids.at(-1)}.`, code: "OPERATION_IN_PROGRESS" },
    ]);

    // Cancelling frees a slot; a finished operation cannot be cancelled.
    const CANCEL = `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } } }`;
    for (const id of ids) {
      const { body } = await adminRequest(devstore, token, CANCEL, { id });
      expect(body.data.bulkOperationCancel).toEqual({ bulkOperation: { id, status: "CANCELING" }, userErrors: [] });
    }
    for (const id of ids) expect((await finished(id)).status).toBe("CANCELED");
    const again = await adminRequest(devstore, token, CANCEL, { id: ids[0] });
    expect(again.body.data.bulkOperationCancel.userErrors).toEqual([{ field: null, message: "A bulk operation cannot be canceled when it is canceled" }]);
    const unknown = await adminRequest(devstore, token, CANCEL, { id: gid("BulkOperation", "1") });
    expect(unknown.body.data.bulkOperationCancel).toEqual({ bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] });
    devstore.bulk.settings.delayMs = 150;
    expect((await run(ITEMS)).data.bulkOperationRunQuery.userErrors).toEqual([]);
  });

  it("refuses a query that is invalid against the schema or breaks a bulk rule, in Shopify's words", async () => {
    const cases: [string, string[]][] = [
      ["", ["Invalid bulk query: syntax error, unexpected end of file"]],
      ["{ inventoryItems { edges { node { id colour } } } }", ["Invalid bulk query: Field 'colour' doesn't exist on type 'InventoryItem'"]],
      [
        "{ inventoryItems { nodes { id } } }",
        ["All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: 'inventoryItems { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: 'inventoryItems'."],
      ],
      [
        "{ inventoryItems { edges { node { sku inventoryLevels { edges { node { id } } } } } } }",
        ["The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': inventoryItems."],
      ],
      ['{ node(id: "gid://shopify/Product/1") { id } }', ["Bulk queries cannot contain a top level `node` field.", "Bulk queries must contain at least one connection."]],
      ["{ shop { name } }", ["Bulk queries must contain at least one connection."]],
      ["mutation { bulkOperationCancel(id: \"x\") { userErrors { message } } }", ["Invalid operation type. Only `query` operations are supported."]],
      [
        "{ orders { edges { node { id fulfillments { events(first: 5) { edges { node { id } } } } } } } }",
        ["Queries that contain a connection field within a list field are not currently supported."],
      ],
      [
        "{ products { edges { node { id variants { edges { node { id inventoryItem { id inventoryLevels { edges { node { id } } } } } } } } } } }",
        ["Bulk queries cannot contain connections with a nesting depth greater than 2."],
      ],
    ];
    const before = devstore.bulk.operations.size;
    for (const [query, messages] of cases) {
      const { data } = await run(query);
      expect(data.bulkOperationRunQuery, query).toEqual({
        bulkOperation: null,
        userErrors: messages.map((message) => ({ field: ["query"], message, code: "INVALID" })),
      });
    }
    expect(devstore.bulk.operations.size, "no operation was created").toBe(before);
  });

  it("fails when told to, with its error code, a partial file and the webhook saying so", async () => {
    // Scripts set it through the control API.
    const control = await fetch(`${devstore.url}/_devstore/bulk-operations`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ fail: "INTERNAL_SERVER_ERROR" }),
    });
    expect((await control.json()).settings).toEqual({ delayMs: 150, fail: "INTERNAL_SERVER_ERROR" });
    const id = (await run(ITEMS)).data.bulkOperationRunQuery.bulkOperation.id;
    const op = await finished(id);
    expect(op).toMatchObject({ status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", url: null, completedAt: null });
    const partial = await jsonl(op.partialDataUrl);
    expect(partial.length).toBe(Number(op.objectCount));
    expect(partial.length).toBeGreaterThan(0);
    await devstore.dispatcher.settle();
    const delivery = received.find((r) => JSON.parse(r.body).admin_graphql_api_id === id);
    expect(JSON.parse(delivery!.body)).toMatchObject({ status: "failed", error_code: "internal_server_error" });
  });

  it("serves result files only at their unguessable URL, and only for seven days", async () => {
    const op = await finished((await run(ITEMS)).data.bulkOperationRunQuery.bulkOperation.id);
    expect(op.url).toMatch(/\/bulk-operation-results\/[\w-]{32}\.jsonl$/);
    expect((await fetch(op.url.replace(/[\w-]{32}\.jsonl$/, "x".repeat(32) + ".jsonl"))).status).toBe(404);
    const realNow = devstore.store.now;
    devstore.store.now = () => new Date(Date.now() + 8 * 24 * 3600 * 1000);
    try {
      expect((await fetch(op.url)).status).toBe(403);
      expect(await status(op.id)).toMatchObject({ status: "EXPIRED", url: null });
    } finally {
      devstore.store.now = realNow;
    }
  });

  it("counts product variants, as productVariantsCount does", async () => {
    const { body } = await adminRequest(devstore, token, `{ all: productVariantsCount { count precision } capped: productVariantsCount(limit: 2) { count precision } }`);
    expect(body.data).toEqual({ all: { count: 3, precision: "EXACT" }, capped: { count: 2, precision: "AT_LEAST" } });
  });
});
