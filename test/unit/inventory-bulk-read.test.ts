import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { BULK_ITEMS_QUERY, QUANTITY_NAMES } from "../../app/inventory/admin-operations";
import { BulkFileInvalid, bulkItems, jsonlLines } from "../../app/inventory/bulk-read.server";
import { bulkQueryProblems } from "../../devstore/admin/bulk";
import { adminSchema, validateAdminDocument } from "../support/admin-schema";

// The bulk read's query and its JSONL parser: the query must be one Shopify runs in bulk, and the parser must
// rebuild each item from its lines, or stop at the first line that is wrong, saying which.

const item = (id: number, sku: string) => JSON.stringify({ id: `gid://shopify/InventoryItem/${id}`, sku, tracked: true });
const variant = (item: number, id: number) =>
  JSON.stringify({
    id: `gid://shopify/ProductVariant/${id}`,
    title: "Default Title",
    barcode: null,
    inventoryPolicy: "DENY",
    product: { id: `gid://shopify/Product/${id}`, title: `Product ${id}` },
    __parentId: `gid://shopify/InventoryItem/${item}`,
  });
const level = (item: number, location: number, available: number) =>
  JSON.stringify({
    location: { id: `gid://shopify/Location/${location}` },
    quantities: [
      { name: "available", quantity: available },
      { name: "on_hand", quantity: available + 1 },
    ],
    __parentId: `gid://shopify/InventoryItem/${item}`,
  });

async function* from(lines: string[]) {
  yield* lines;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of items) out.push(value);
  return out;
}

function stream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

describe("the bulk read's query", () => {
  it("is valid against the Admin schema, uses nothing deprecated, and follows Shopify's bulk rules", () => {
    expect(validateAdminDocument(BULK_ITEMS_QUERY)).toEqual([]);
    expect(bulkQueryProblems(adminSchema(), parse(BULK_ITEMS_QUERY))).toEqual([]);
  });

  it("reads every quantity name the mirror stores, like the paged read", () => {
    expect(BULK_ITEMS_QUERY).toContain(`quantities(names: ${JSON.stringify(QUANTITY_NAMES)})`);
  });
});

describe("bulkItems", () => {
  it("rebuilds each item from its line and the variant and level lines that follow it", async () => {
    const items = await collect(bulkItems(from([item(1, "A"), variant(1, 11), level(1, 7, 3), level(1, 8, 0), item(2, "B"), level(2, 7, 5), variant(2, 12), item(3, "C"), ""])));
    expect(items.map((i) => [i.id, i.sku, i.variants.nodes.length, i.inventoryLevels.nodes.length])).toEqual([
      ["gid://shopify/InventoryItem/1", "A", 1, 2],
      ["gid://shopify/InventoryItem/2", "B", 1, 1],
      ["gid://shopify/InventoryItem/3", "C", 0, 0],
    ]);
    expect(items[0]!.variants.nodes[0]).toEqual({
      id: "gid://shopify/ProductVariant/11",
      title: "Default Title",
      barcode: null,
      inventoryPolicy: "DENY",
      product: { id: "gid://shopify/Product/11", title: "Product 11" },
    });
    expect(items[0]!.inventoryLevels.nodes[0]).toEqual({
      location: { id: "gid://shopify/Location/7" },
      quantities: [
        { name: "available", quantity: 3 },
        { name: "on_hand", quantity: 4 },
      ],
    });
  });

  it("yields each item before reading the next one's lines (the file is never held whole)", async () => {
    const seen: string[] = [];
    async function* lines() {
      for (const line of [item(1, "A"), level(1, 7, 3), item(2, "B"), level(2, 7, 1)]) {
        seen.push(line);
        yield line;
      }
    }
    const iterator = bulkItems(lines());
    const first = await iterator.next();
    expect(first.value?.sku).toBe("A");
    expect(seen).toHaveLength(3); // read up to the next item's line, no further
  });

  it.each([
    ["a line that is not JSON", [item(1, "A"), "{not json"], /^Line 2 of Shopify's bulk read is not JSON: \{not json$/],
    ["a line of another shape", [item(1, "A"), variant(1, 11), '{"location":{"id":"x"},"quantities":"lots","__parentId":"gid://shopify/InventoryItem/1"}'], /^Line 3 of Shopify's bulk read is not an inventory item, variant or level as asked/],
    ["an item without its id", ['{"sku":"A","tracked":true}'], /^Line 1 /],
    ["a level before any item", [level(1, 7, 3)], /^Line 1 of Shopify's bulk read belongs to gid:\/\/shopify\/InventoryItem\/1, which is not the item/],
    ["a level of an earlier item (ungrouped output)", [item(1, "A"), item(2, "B"), level(1, 7, 3)], /^Line 3 of Shopify's bulk read belongs to gid:\/\/shopify\/InventoryItem\/1/],
  ])("stops at %s, naming the line", async (_name, lines, message) => {
    const error = await collect(bulkItems(from(lines))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkFileInvalid);
    expect((error as Error).message).toMatch(message);
  });

  it("quotes only the start of a long line", async () => {
    const error = (await collect(bulkItems(from([`{"sku":"${"x".repeat(500)}"}`]))).catch((e: unknown) => e)) as Error;
    expect(error.message.length).toBeLessThan(250);
  });
});

describe("jsonlLines", () => {
  it("splits lines across chunk boundaries, multi-byte characters included", async () => {
    const text = '{"sku":"Café-1"}\n{"sku":"日本-2"}\n{"sku":"last"}';
    const bytes = new TextEncoder().encode(text);
    // Cut every 3 bytes: lines and characters (é, 日, 本) are split between chunks.
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.slice(i * 3, i * 3 + 3));
    expect(await collect(jsonlLines(stream(chunks)))).toEqual(['{"sku":"Café-1"}', '{"sku":"日本-2"}', '{"sku":"last"}']);
  });

  it("gives nothing for an empty body and no trailing empty line", async () => {
    expect(await collect(jsonlLines(stream([])))).toEqual([]);
    expect(await collect(jsonlLines(stream([new TextEncoder().encode("a\nb\n")])))).toEqual(["a", "b"]);
  });
});
