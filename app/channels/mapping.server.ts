import { z } from "zod";
import type { Database } from "../db.server";
import { effectiveRule, validateRule, type RuleOverride } from "../inventory/allocation";
import { MAX_PACK_SIZE, normalizeSku, parseMappingCsv, toMappingCsv, type MappingCsvError, type MappingRow } from "../inventory/sku";
import { enqueuePushes } from "../sync/push.server";
import { channelRule } from "../sync/sellable.server";

// The merchant's own mappings: a channel listing mapped by hand to an item (in packs), a listing sold as a
// bundle of several items, per-SKU overrides of a channel's rule, and the same mappings in and out as CSV.
// Every change is validated first and written in one transaction, then the affected listings are pushed.

export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MappingError";
  }
}

/** Parses input (from a form, or another module) or throws a MappingError saying what is wrong. */
function validated<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new MappingError(parsed.error.issues.map((issue) => issue.message).join("; "));
  return parsed.data;
}

async function listingOf(db: Database, shop: string, listingId: string) {
  const listing = await db.channelListing.findFirst({ where: { id: listingId, shop } });
  if (!listing) throw new MappingError("That listing is not in this store's channels; reload the page.");
  return listing;
}

async function requireItems(db: Database, shop: string, inventoryItemIds: string[]) {
  const found = await db.inventoryItem.findMany({ where: { shop, inventoryItemId: { in: inventoryItemIds } }, select: { inventoryItemId: true } });
  const missing = inventoryItemIds.filter((id) => !found.some((f) => f.inventoryItemId === id));
  if (missing.length) throw new MappingError(`Item ${missing.join(", ")} is not in this store; re-import the catalog and try again.`);
}

/** Items whose listings must be pushed again after a listing's mapping changed from `before` to now. */
async function pushAfterChange(db: Database, shop: string, itemIds: (string | null | undefined)[]) {
  const ids = [...new Set(itemIds.filter((id): id is string => Boolean(id)))];
  if (ids.length) await enqueuePushes(db, shop, ids);
}

export const manualMappingSchema = z.object({
  listingId: z.string().min(1),
  inventoryItemId: z.string().regex(/^\d+$/, "Choose an item"),
  packSize: z.coerce.number().int("The pack size is a whole number").min(1, "The pack size is at least 1").max(MAX_PACK_SIZE, `The pack size is at most ${MAX_PACK_SIZE}`),
});

/** Maps a listing to one item by hand; `packSize` home units are sold per channel unit. */
export async function mapListing(db: Database, shop: string, unchecked: unknown) {
  const input = validated(manualMappingSchema, unchecked);
  const listing = await listingOf(db, shop, input.listingId);
  await requireItems(db, shop, [input.inventoryItemId]);
  const components = await db.listingComponent.findMany({ where: { listingId: listing.id } });
  await db.$transaction([
    db.listingComponent.deleteMany({ where: { listingId: listing.id } }),
    db.channelListing.update({
      where: { id: listing.id },
      data: { inventoryItemId: input.inventoryItemId, packSize: input.packSize, matchedVia: "manual", conflict: null },
    }),
  ]);
  await pushAfterChange(db, shop, [input.inventoryItemId, listing.inventoryItemId, ...components.map((c) => c.inventoryItemId)]);
}

export const bundleSchema = z.object({
  listingId: z.string().min(1),
  components: z
    .array(z.object({ inventoryItemId: z.string().regex(/^\d+$/), quantity: z.coerce.number().int().min(1).max(MAX_PACK_SIZE) }))
    .min(2, "A bundle has at least two items")
    .max(50, "A bundle has at most 50 items")
    .refine((list) => new Set(list.map((c) => c.inventoryItemId)).size === list.length, "An item appears twice in the bundle; raise its quantity instead"),
});

/** Sells a listing as a bundle: each sale takes `quantity` of every component; it may sell min over them. */
export async function setBundle(db: Database, shop: string, unchecked: unknown) {
  const input = validated(bundleSchema, unchecked);
  const listing = await listingOf(db, shop, input.listingId);
  await requireItems(db, shop, input.components.map((c) => c.inventoryItemId));
  const before = await db.listingComponent.findMany({ where: { listingId: listing.id } });
  await db.$transaction([
    db.listingComponent.deleteMany({ where: { listingId: listing.id } }),
    db.listingComponent.createMany({ data: input.components.map((c) => ({ shop, listingId: listing.id, inventoryItemId: c.inventoryItemId, quantity: c.quantity })) }),
    db.channelListing.update({ where: { id: listing.id }, data: { inventoryItemId: null, packSize: 1, matchedVia: "bundle", conflict: null } }),
  ]);
  await pushAfterChange(db, shop, [listing.inventoryItemId, ...before.map((c) => c.inventoryItemId), ...input.components.map((c) => c.inventoryItemId)]);
}

/** Removes a listing's mapping: it stops syncing until mapped again (the channel keeps what it shows). */
export async function unmapListing(db: Database, shop: string, listingId: string) {
  const listing = await listingOf(db, shop, listingId);
  await db.$transaction([
    db.listingComponent.deleteMany({ where: { listingId: listing.id } }),
    db.channelListing.update({ where: { id: listing.id }, data: { inventoryItemId: null, packSize: 1, matchedVia: null, conflict: "Unmapped by the merchant" } }),
    db.pushJob.deleteMany({ where: { listingId: listing.id, status: { not: "processing" } } }),
  ]);
}

// ---------------------------------------------------------------------------------------------------------
// Per-SKU rule overrides

const optionalCount = z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().int().min(0).optional());
/** Form values: blank inherits the channel's value; "none" removes the channel's min or max for this SKU. */
export const overrideFormSchema = z.object({
  channelId: z.string().min(1),
  inventoryItemId: z.string().regex(/^\d+$/),
  reserve: optionalCount,
  percentage: z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().int().min(0).max(100).optional()),
  min: z.preprocess((v) => (v === "" || v === undefined ? undefined : v === "none" ? null : v), z.union([z.null(), z.coerce.number().int().min(0)]).optional()),
  max: z.preprocess((v) => (v === "" || v === undefined ? undefined : v === "none" ? null : v), z.union([z.null(), z.coerce.number().int().min(0)]).optional()),
  zeroOutAt: optionalCount,
});

/** Saves (or, when every field inherits, removes) a SKU's override of a channel's rule. */
export async function setRuleOverride(db: Database, shop: string, unchecked: unknown): Promise<RuleOverride | null> {
  const input = validated(overrideFormSchema, unchecked);
  const channel = await db.channel.findFirst({ where: { id: input.channelId, shop } });
  if (!channel) throw new MappingError("That channel is not connected to this store.");
  await requireItems(db, shop, [input.inventoryItemId]);
  const override: RuleOverride = {};
  for (const key of ["reserve", "percentage", "min", "max", "zeroOutAt"] as const) {
    if (input[key] !== undefined) (override as Record<string, number | null>)[key] = input[key];
  }
  const problems = validateRule(effectiveRule(channelRule(channel), override));
  if (problems.length) throw new MappingError(`This override would make an invalid rule: ${problems.join(" ")}`);
  const key = { channelId_inventoryItemId: { channelId: channel.id, inventoryItemId: input.inventoryItemId } };
  if (Object.keys(override).length === 0) {
    await db.channelRuleOverride.deleteMany({ where: { channelId: channel.id, inventoryItemId: input.inventoryItemId } });
  } else {
    await db.channelRuleOverride.upsert({
      where: key,
      create: { shop, channelId: channel.id, inventoryItemId: input.inventoryItemId, rule: JSON.stringify(override) },
      update: { rule: JSON.stringify(override) },
    });
  }
  await enqueuePushes(db, shop, [input.inventoryItemId]);
  return Object.keys(override).length ? override : null;
}

// ---------------------------------------------------------------------------------------------------------
// CSV

export interface MappingImportResult {
  applied: number;
  unchanged: number;
  errors: MappingCsvError[];
}

/**
 * Imports manual mappings from CSV. All or nothing: any problem (a bad line, an unknown channel, a channel SKU
 * the channel does not list, an item SKU that is missing or not unique) is reported with its line and nothing
 * is written.
 */
export async function importMappingCsv(db: Database, shop: string, text: string): Promise<MappingImportResult> {
  const parsed = parseMappingCsv(text);
  const rowsWithLines = parsed.rows.map((row, index) => ({ row, line: parsed.rowLines[index]! }));
  const errors = [...parsed.errors];
  const channels = await db.channel.findMany({ where: { shop } });
  const channelByName = new Map(channels.map((c) => [c.name.trim().toLowerCase(), c]));
  const items = await db.inventoryItem.findMany({ where: { shop }, select: { inventoryItemId: true, skuKey: true } });
  const itemsBySku = new Map<string, string[]>();
  for (const item of items) if (item.skuKey) itemsBySku.set(item.skuKey, [...(itemsBySku.get(item.skuKey) ?? []), item.inventoryItemId]);
  const listings = await db.channelListing.findMany({ where: { shop } });

  const updates: { listingId: string; inventoryItemId: string; packSize: number; before: string | null }[] = [];
  let unchanged = 0;
  for (const { row, line } of rowsWithLines) {
    const channel = channelByName.get(row.channel.trim().toLowerCase());
    if (!channel) {
      errors.push({ line, message: `No channel is named "${row.channel.trim()}"; use a name from the Channels page.` });
      continue;
    }
    const channelSku = normalizeSku(row.channelSku);
    const listing = listings.filter((l) => l.channelId === channel.id && normalizeSku(l.remoteSku) === channelSku);
    if (listing.length !== 1) {
      errors.push({
        line,
        message: listing.length === 0
          ? `${channel.name} lists no SKU ${channelSku}; re-read its catalog on the Channels page if it is new.`
          : `${channel.name} lists SKU ${channelSku} ${listing.length} times; map those listings one by one on this page.`,
      });
      continue;
    }
    const itemIds = itemsBySku.get(normalizeSku(row.inventorySku)!) ?? [];
    if (itemIds.length !== 1) {
      errors.push({
        line,
        message: itemIds.length === 0
          ? `No item in this store has SKU ${normalizeSku(row.inventorySku)}.`
          : `${itemIds.length} items in this store share SKU ${normalizeSku(row.inventorySku)}; give them distinct SKUs first.`,
      });
      continue;
    }
    const target = listing[0]!;
    if (target.inventoryItemId === itemIds[0] && target.packSize === row.packSize && target.matchedVia === "manual") {
      unchanged += 1;
      continue;
    }
    updates.push({ listingId: target.id, inventoryItemId: itemIds[0]!, packSize: row.packSize, before: target.inventoryItemId });
  }
  errors.sort((a, b) => a.line - b.line);
  if (errors.length > 0) return { applied: 0, unchanged: 0, errors };

  await db.$transaction([
    db.listingComponent.deleteMany({ where: { listingId: { in: updates.map((u) => u.listingId) } } }),
    ...updates.map((u) =>
      db.channelListing.update({ where: { id: u.listingId }, data: { inventoryItemId: u.inventoryItemId, packSize: u.packSize, matchedVia: "manual", conflict: null } }),
    ),
  ]);
  await pushAfterChange(db, shop, updates.flatMap((u) => [u.inventoryItemId, u.before]));
  return { applied: updates.length, unchanged, errors: [] };
}

/** Every item mapping of the shop's channels (automatic and manual) as CSV, ready to edit and re-import. */
export async function exportMappingCsv(db: Database, shop: string): Promise<string> {
  const [channels, listings, items] = await Promise.all([
    db.channel.findMany({ where: { shop } }),
    db.channelListing.findMany({ where: { shop, inventoryItemId: { not: null } }, orderBy: [{ channelId: "asc" }, { remoteSku: "asc" }] }),
    db.inventoryItem.findMany({ where: { shop }, select: { inventoryItemId: true, sku: true } }),
  ]);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const skuOf = new Map(items.map((i) => [i.inventoryItemId, i.sku]));
  const rows: MappingRow[] = listings.flatMap((l) => {
    const inventorySku = skuOf.get(l.inventoryItemId!);
    if (!l.remoteSku || !inventorySku) return [];
    return [{ channel: channelName.get(l.channelId) ?? l.channelId, channelSku: l.remoteSku, inventorySku, packSize: l.packSize }];
  });
  return toMappingCsv(rows, { bom: true });
}

// ---------------------------------------------------------------------------------------------------------
// The mapping page

export const MAPPING_PAGE_SIZE = 50;

export interface MappingListing {
  id: string;
  channel: string;
  remoteSku: string | null;
  remoteListingId: string;
  status: "matched" | "manual" | "bundle" | "conflict" | "unmatched";
  matchedVia: string | null;
  conflict: string | null;
  item: { id: string; sku: string | null; title: string } | null;
  packSize: number;
  components: { sku: string | null; quantity: number }[];
}

/** One page of a shop's listings; `attention` shows only those in conflict or unmatched. */
export async function mappingView(db: Database, shop: string, options: { attention?: boolean; page?: number } = {}) {
  // Not mapped to an item and not a bundle (NULL matchedVia needs its own test: SQL's <> never matches NULL).
  const unmapped = { shop, inventoryItemId: null, OR: [{ matchedVia: null }, { matchedVia: { not: "bundle" } }] };
  const where = options.attention ? unmapped : { shop };
  const total = await db.channelListing.count({ where });
  const attention = await db.channelListing.count({ where: unmapped });
  const pages = Math.max(1, Math.ceil(total / MAPPING_PAGE_SIZE));
  const page = Math.min(Math.max(1, options.page ?? 1), pages);
  const [channels, listings] = await Promise.all([
    db.channel.findMany({ where: { shop }, select: { id: true, name: true } }),
    db.channelListing.findMany({ where, orderBy: [{ channelId: "asc" }, { remoteSku: "asc" }, { id: "asc" }], skip: (page - 1) * MAPPING_PAGE_SIZE, take: MAPPING_PAGE_SIZE }),
  ]);
  const components = await db.listingComponent.findMany({ where: { listingId: { in: listings.map((l) => l.id) } } });
  const itemIds = [...new Set([...listings.flatMap((l) => (l.inventoryItemId ? [l.inventoryItemId] : [])), ...components.map((c) => c.inventoryItemId)])];
  const items = new Map(
    (await db.inventoryItem.findMany({ where: { shop, inventoryItemId: { in: itemIds } }, select: { inventoryItemId: true, sku: true, productTitle: true, variantTitle: true } })).map((i) => [
      i.inventoryItemId,
      { id: i.inventoryItemId, sku: i.sku, title: [i.productTitle, i.variantTitle !== "Default Title" ? i.variantTitle : null].filter(Boolean).join(" – ") },
    ]),
  );
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const rows: MappingListing[] = listings.map((l) => {
    const parts = components.filter((c) => c.listingId === l.id);
    return {
      id: l.id,
      channel: channelName.get(l.channelId) ?? l.channelId,
      remoteSku: l.remoteSku,
      remoteListingId: l.remoteListingId,
      status: parts.length ? "bundle" : l.inventoryItemId ? (l.matchedVia === "manual" ? "manual" : "matched") : l.conflict ? "conflict" : "unmatched",
      matchedVia: l.matchedVia,
      conflict: l.conflict,
      item: l.inventoryItemId ? (items.get(l.inventoryItemId) ?? { id: l.inventoryItemId, sku: null, title: "(no longer in the catalog)" }) : null,
      packSize: l.packSize,
      components: parts.map((c) => ({ sku: items.get(c.inventoryItemId)?.sku ?? c.inventoryItemId, quantity: c.quantity })),
    };
  });
  return { rows, total, attention, page, pages };
}

/** An item of the shop by SKU (normalized), for forms where the merchant types a SKU. */
export async function itemBySku(db: Database, shop: string, sku: string): Promise<string> {
  const key = normalizeSku(sku);
  const found = key ? await db.inventoryItem.findMany({ where: { shop, skuKey: key }, select: { inventoryItemId: true }, take: 2 }) : [];
  if (found.length === 0) throw new MappingError(`No item in this store has SKU ${key ?? sku}.`);
  if (found.length > 1) throw new MappingError(`Several items share SKU ${key}; give them distinct SKUs in Shopify first.`);
  return found[0]!.inventoryItemId;
}

/** "MUG-GRY x2, TEE-BLK-M" -> components; each SKU must name exactly one item. */
export async function parseBundleComponents(db: Database, shop: string, text: string): Promise<{ inventoryItemId: string; quantity: number }[]> {
  const parts = text.split(/[,;\n]/).map((p) => p.trim()).filter(Boolean);
  const components = [];
  for (const part of parts) {
    const match = /^(.+?)(?:\s*[x×*]\s*(\d{1,4}))?$/i.exec(part);
    if (!match) throw new MappingError(`"${part}" is not "SKU" or "SKU x quantity".`);
    components.push({ inventoryItemId: await itemBySku(db, shop, match[1]!), quantity: match[2] ? Number(match[2]) : 1 });
  }
  return components;
}
