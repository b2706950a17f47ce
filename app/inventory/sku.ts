import { z } from "zod";

// SKU mapping between the home Shopify store and a channel (a marketplace or a second store). Peers break on
// case and whitespace, duplicate SKUs, one item under several SKUs, and packs (docs/domain.md, failure 5), so
// this module normalises SKUs, recognises packs, and never guesses: anything ambiguous is a conflict that the
// merchant resolves, with a message that says how.

// ---------------------------------------------------------------------------------------------------------
// Normalisation

// Invisible characters that sneak in when SKUs are pasted from spreadsheets, PDFs or right-to-left text: zero
// width space/joiners, word joiner and invisible operators, BOM, soft hyphen, Mongolian vowel separator, and
// the bidirectional marks and embeddings.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

// Dash-like characters that merchants (and word processors) type for "-": hyphen, non-breaking hyphen, figure
// dash, en dash, em dash, horizontal bar, minus sign, two- and three-em dashes, small and full-width forms.
// NFKC already maps some of them (U+2011 -> U+2010, U+FE63 and U+FF0D -> "-"); the rest are listed here.
const DASHES = /[\u2010-\u2015\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D]/g;

/** The comparable form of a SKU, or null when there is nothing left of it. Idempotent. */
export function normalizeSku(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  // Upper-casing can produce characters with compatibility forms (and NFKC can produce lower case), so
  // normalise on both sides of it.
  const text = raw
    .normalize("NFKC")
    .toUpperCase()
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .replace(DASHES, "-")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/ ?- ?/g, "-");
  return text === "" ? null : text;
}

/**
 * The comparable form of a barcode: spaces and dashes are formatting ("0 12345-67890 5"), leading zeros are
 * significant. Numeric barcodes (UPC, EAN, GTIN) come out as digits only; others (Code 128, an ISBN-10 ending
 * in X) are upper-cased the same way.
 */
export function normalizeBarcode(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const text = raw
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .replace(DASHES, "-")
    .replace(/[\s-]+/g, "")
    .toUpperCase();
  return text === "" ? null : text;
}

// ---------------------------------------------------------------------------------------------------------
// Packs

export interface PackInfo {
  baseSku: string;
  packSize: number;
}

/** Largest pack we recognise; also the largest pack size a mapping may have. */
export const MAX_PACK_SIZE = 1000;

// Suffixes on a normalised (upper-case) SKU, after a dash or a space: MUG-2PK, MUG-2 PK, MUG 2PK, MUG-PK2,
// MUG-2PACK, MUG-PACK2, and MUG X2 / MUG ×2. "MUG-X2" is not a pack: in too many catalogues it is a size or a
// version. The base must not end in a dash or space ("MUG--2PK" is a typo to fix, not a pack to guess).
const PACK_PATTERNS: readonly RegExp[] = [
  /^(.*[^ -])[- ](\d+) ?(?:PK|PACK)$/,
  /^(.*[^ -])[- ](?:PK|PACK) ?(\d+)$/,
  /^(.*[^ -]) [X×](\d+)$/,
];

/** Recognises a multipack SKU ("OS-MUG-GRY-2PK" is 2 x "OS-MUG-GRY"); null when the SKU is not a pack. */
export function detectPack(sku: string): PackInfo | null {
  const normalized = normalizeSku(sku);
  if (normalized === null) return null;
  for (const pattern of PACK_PATTERNS) {
    const found = pattern.exec(normalized);
    if (!found || found[1] === undefined || found[2] === undefined) continue;
    const packSize = Number(found[2]);
    if (packSize < 2 || packSize > MAX_PACK_SIZE) return null;
    return { baseSku: found[1], packSize };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Matching channel listings to home inventory items

export interface HomeItem {
  inventoryItemId: string;
  sku: string | null;
  barcode: string | null;
}

export interface ChannelListing {
  listingId: string;
  sku: string | null;
  barcode: string | null;
  title?: string;
}

export interface Match {
  listingId: string;
  inventoryItemId: string;
  via: "sku" | "barcode" | "pack";
  /** Home units per channel unit: 1, or the pack size for a multipack listing. */
  packSize: number;
}

export type Conflict =
  | {
      /** Several home items share the SKU a listing uses (directly or as a pack's base): none is matched. */
      kind: "duplicate_home_sku";
      sku: string;
      inventoryItemIds: string[];
      listingIds: string[];
      message: string;
    }
  | {
      /** Several listings share a SKU: each is still matched, but they sell the same units. */
      kind: "duplicate_listing_sku";
      sku: string;
      listingIds: string[];
      message: string;
    }
  | {
      /** The listing's SKU points to one home item and its barcode to another: not matched. */
      kind: "sku_barcode_disagree";
      listingId: string;
      sku: string;
      barcode: string;
      skuInventoryItemId: string;
      barcodeInventoryItemIds: string[];
      message: string;
    }
  | {
      /** The listing has no usable SKU and its barcode is shared by several home items: not matched. */
      kind: "duplicate_home_barcode";
      barcode: string;
      inventoryItemIds: string[];
      listingIds: string[];
      message: string;
    }
  | {
      /** Nothing in the home store has this listing's SKU, pack base SKU or barcode. */
      kind: "unmatched";
      listingId: string;
      sku: string | null;
      barcode: string | null;
      message: string;
    };

export interface MatchResult {
  matches: Match[];
  conflicts: Conflict[];
}

type Lookup = { kind: "none" } | { kind: "one"; item: HomeItem } | { kind: "many"; items: HomeItem[] };

/** Home items by a normalised key; the same inventory item listed twice is one item, not a duplicate. */
function indexBy(home: readonly HomeItem[], key: (item: HomeItem) => string | null): Map<string, HomeItem[]> {
  const index = new Map<string, HomeItem[]>();
  for (const item of home) {
    const value = key(item);
    if (value === null) continue;
    const items = index.get(value) ?? [];
    if (!items.some((existing) => existing.inventoryItemId === item.inventoryItemId)) items.push(item);
    index.set(value, items);
  }
  return index;
}

function lookup(index: Map<string, HomeItem[]>, value: string | null): Lookup {
  const items = value === null ? undefined : index.get(value);
  if (!items || items.length === 0) return { kind: "none" };
  const [first] = items;
  if (items.length === 1 && first) return { kind: "one", item: first };
  return { kind: "many", items };
}

const itemsOf = (found: Lookup): HomeItem[] =>
  found.kind === "one" ? [found.item] : found.kind === "many" ? found.items : [];

const NUMBER_WORDS = ["No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"];
const countWord = (count: number) => NUMBER_WORDS[count] ?? String(count);

function describeListing(listing: ChannelListing): string {
  return listing.title ? `"${listing.title}" (${listing.listingId})` : listing.listingId;
}

function describeListings(listings: readonly ChannelListing[]): string {
  const names = listings.map(describeListing);
  return names.length === 1 ? `the channel listing ${names[0]}` : `the channel listings ${names.join(", ")}`;
}

/** What one listing resolves to: a match or a conflict, in the order SKU, barcode, pack. */
type Resolution =
  | { kind: "match"; match: Match }
  | { kind: "duplicate_home_sku"; sku: string; items: HomeItem[] }
  | { kind: "duplicate_home_barcode"; barcode: string; items: HomeItem[] }
  | { kind: "disagree"; sku: string; barcode: string; skuItem: HomeItem; barcodeItems: HomeItem[] }
  | { kind: "unmatched" };

function resolveListing(
  listing: ChannelListing,
  sku: string | null,
  barcode: string | null,
  bySkuIndex: Map<string, HomeItem[]>,
  byBarcodeIndex: Map<string, HomeItem[]>,
): Resolution {
  const match = (item: HomeItem, via: Match["via"], packSize: number): Resolution => ({
    kind: "match",
    match: { listingId: listing.listingId, inventoryItemId: item.inventoryItemId, via, packSize },
  });
  const bySku = lookup(bySkuIndex, sku);
  const byBarcode = lookup(byBarcodeIndex, barcode);
  const barcodeItems = itemsOf(byBarcode);
  const agreesWithBarcode = (item: HomeItem) =>
    barcodeItems.length === 0 || barcodeItems.some((other) => other.inventoryItemId === item.inventoryItemId);

  // 1. Exact normalised SKU.
  if (sku !== null && bySku.kind === "many") return { kind: "duplicate_home_sku", sku, items: bySku.items };
  if (sku !== null && bySku.kind === "one") {
    if (barcode !== null && !agreesWithBarcode(bySku.item)) {
      return { kind: "disagree", sku, barcode, skuItem: bySku.item, barcodeItems };
    }
    return match(bySku.item, "sku", 1);
  }

  // The pack reading of the SKU is needed by both remaining steps.
  const pack = sku === null ? null : detectPack(sku);
  const byPack = pack ? lookup(bySkuIndex, pack.baseSku) : ({ kind: "none" } as const);
  if (pack && byPack.kind === "many") return { kind: "duplicate_home_sku", sku: pack.baseSku, items: byPack.items };

  // 2. Barcode. Marketplaces often put the single unit's barcode on a multipack; matching such a listing as
  // one unit would sell each pack as one unit and oversell, so a pack SKU whose base is the same item wins.
  if (barcode !== null && byBarcode.kind !== "none") {
    if (pack && sku !== null && byPack.kind === "one") {
      if (!agreesWithBarcode(byPack.item)) {
        return { kind: "disagree", sku, barcode, skuItem: byPack.item, barcodeItems };
      }
      return match(byPack.item, "pack", pack.packSize);
    }
    if (byBarcode.kind === "many") return { kind: "duplicate_home_barcode", barcode, items: byBarcode.items };
    return match(byBarcode.item, "barcode", 1);
  }

  // 3. Pack detection on the listing's SKU: the base SKU must be exactly one home item.
  if (pack && byPack.kind === "one") return match(byPack.item, "pack", pack.packSize);
  return { kind: "unmatched" };
}

/**
 * Matches one channel's listings to home inventory items. Call it once per channel: SKUs shared between
 * different channels are normal, within one channel they are a conflict.
 */
export function matchListings(home: readonly HomeItem[], listings: readonly ChannelListing[]): MatchResult {
  const bySku = indexBy(home, (item) => normalizeSku(item.sku));
  const byBarcode = indexBy(home, (item) => normalizeBarcode(item.barcode));

  const listingsBySku = new Map<string, ChannelListing[]>();
  for (const listing of listings) {
    const sku = normalizeSku(listing.sku);
    if (sku !== null) listingsBySku.set(sku, [...(listingsBySku.get(sku) ?? []), listing]);
  }

  const matches: Match[] = [];
  // Conflicts are built at the end, in the order first seen, so that a conflict about a shared home SKU or
  // barcode is reported once with every listing it blocks.
  const conflicts: Array<() => Conflict> = [];
  const homeSkuGroups = new Map<string, ChannelListing[]>();
  const homeBarcodeGroups = new Map<string, ChannelListing[]>();
  type Build = (listings: ChannelListing[]) => Conflict;
  const joinGroup = (groups: Map<string, ChannelListing[]>, key: string, listing: ChannelListing, build: Build) => {
    const group = groups.get(key);
    if (group) return void group.push(listing);
    const created = [listing];
    groups.set(key, created);
    conflicts.push(() => build(created));
  };

  for (const listing of listings) {
    const sku = normalizeSku(listing.sku);
    const barcode = normalizeBarcode(listing.barcode);

    const sharing = sku === null ? undefined : listingsBySku.get(sku);
    if (sku !== null && sharing && sharing.length > 1 && sharing[0] === listing) {
      conflicts.push(() => duplicateListingSku(sku, sharing));
    }

    const found = resolveListing(listing, sku, barcode, bySku, byBarcode);
    switch (found.kind) {
      case "match":
        matches.push(found.match);
        break;
      case "duplicate_home_sku":
        joinGroup(homeSkuGroups, found.sku, listing, (group) => duplicateHomeSku(found.sku, found.items, group));
        break;
      case "duplicate_home_barcode":
        joinGroup(homeBarcodeGroups, found.barcode, listing, (group) =>
          duplicateHomeBarcode(found.barcode, found.items, group),
        );
        break;
      case "disagree":
        conflicts.push(() => skuBarcodeDisagree(listing, found));
        break;
      case "unmatched":
        conflicts.push(() => unmatched(listing, sku, barcode));
        break;
    }
  }
  return { matches, conflicts: conflicts.map((build) => build()) };
}

function duplicateHomeSku(sku: string, items: HomeItem[], listings: ChannelListing[]): Conflict {
  return {
    kind: "duplicate_home_sku",
    sku,
    inventoryItemIds: items.map((item) => item.inventoryItemId),
    listingIds: listings.map((listing) => listing.listingId),
    message:
      `${countWord(items.length)} products in your store use the SKU ${sku}; give ` +
      `${items.length === 2 ? "one of them" : "all but one of them"} another SKU so Omnistock knows which one ` +
      `${describeListings(listings)} ${listings.length === 1 ? "sells" : "sell"}.`,
  };
}

function duplicateHomeBarcode(barcode: string, items: HomeItem[], listings: ChannelListing[]): Conflict {
  return {
    kind: "duplicate_home_barcode",
    barcode,
    inventoryItemIds: items.map((item) => item.inventoryItemId),
    listingIds: listings.map((listing) => listing.listingId),
    message:
      `${countWord(items.length)} products in your store use the barcode ${barcode}, and ` +
      `${describeListings(listings)} can only be recognised by that barcode; correct the barcodes in your store ` +
      `or give the listing the SKU of the product it sells.`,
  };
}

function duplicateListingSku(sku: string, listings: ChannelListing[]): Conflict {
  return {
    kind: "duplicate_listing_sku",
    sku,
    listingIds: listings.map((listing) => listing.listingId),
    message:
      `${countWord(listings.length)} listings on this channel use the SKU ${sku} (${listings
        .map(describeListing)
        .join(", ")}). Omnistock gives each of them the same stock, so together they can sell more than you ` +
      `have; end the extra listings or give them their own SKUs.`,
  };
}

function skuBarcodeDisagree(
  listing: ChannelListing,
  found: Extract<Resolution, { kind: "disagree" }>,
): Conflict {
  const barcodeIds = found.barcodeItems.map((item) => item.inventoryItemId);
  return {
    kind: "sku_barcode_disagree",
    listingId: listing.listingId,
    sku: found.sku,
    barcode: found.barcode,
    skuInventoryItemId: found.skuItem.inventoryItemId,
    barcodeInventoryItemIds: barcodeIds,
    message:
      `The channel listing ${describeListing(listing)} has the SKU ${found.sku}, which is product ` +
      `${found.skuItem.inventoryItemId} in your store, but the barcode ${found.barcode}, which is ` +
      `${barcodeIds.length === 1 ? "product" : "products"} ${barcodeIds.join(", ")}. ` +
      `Correct the SKU or the barcode so both point to the product it sells.`,
  };
}

function unmatched(listing: ChannelListing, sku: string | null, barcode: string | null): Conflict {
  const identifiers = [sku === null ? null : `the SKU ${sku}`, barcode === null ? null : `the barcode ${barcode}`]
    .filter((part): part is string => part !== null)
    .join(" or ");
  return {
    kind: "unmatched",
    listingId: listing.listingId,
    sku,
    barcode,
    message:
      identifiers === ""
        ? `The channel listing ${describeListing(listing)} has neither a SKU nor a barcode; add the SKU of the ` +
          `product it sells, or map it by hand.`
        : `No product in your store has ${identifiers} of the channel listing ${describeListing(listing)}; ` +
          `give the product that SKU, or map the listing by hand.`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// CSV import and export of manual mappings (RFC 4180)

export interface MappingRow {
  channel: string;
  channelSku: string;
  inventorySku: string;
  /** Home units per channel unit. */
  packSize: number;
}

export interface MappingCsvError {
  /** 1-based line where the record starts (line 1 is the header, and whole-file problems). */
  line: number;
  message: string;
}

export interface ParsedMappingCsv {
  rows: MappingRow[];
  /** The 1-based line each row starts on, in the same order as `rows`. */
  rowLines: number[];
  errors: MappingCsvError[];
}

export const MAPPING_CSV_COLUMNS = ["channel", "channel_sku", "inventory_sku", "pack_size"] as const;
export const MAX_MAPPING_ROWS = 20_000;

type MappingColumn = (typeof MAPPING_CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly MappingColumn[] = ["channel", "channel_sku", "inventory_sku"];

const nonBlank = (column: MappingColumn, normalize: (value: string) => string | null) =>
  z.string({ error: `${column} is missing` }).refine((value) => normalize(value) !== null, `${column} is empty`);

const trimmedOrNull = (value: string) => (value.trim() === "" ? null : value);

/** A blank pack_size means a single unit; anything but a plain whole number is reported, not guessed. */
const packSizeField = z.preprocess(
  (value) => {
    if (value === undefined || value === null) return 1;
    if (typeof value !== "string") return value;
    const text = value.trim();
    if (text === "") return 1;
    return /^\d+$/.test(text) ? Number(text) : text;
  },
  z
    .number({ error: (issue) => packSizeMessage(issue.input) })
    .int({ error: (issue) => packSizeMessage(issue.input) })
    .min(1, { error: (issue) => packSizeMessage(issue.input) })
    .max(MAX_PACK_SIZE, { error: (issue) => packSizeMessage(issue.input) }),
);

function packSizeMessage(input: unknown): string {
  return `pack_size must be a whole number from 1 to ${MAX_PACK_SIZE} (got ${JSON.stringify(input) ?? "nothing"})`;
}

/**
 * One mapping, as a form or a CSV line gives it. Values are kept exactly as written (SKUs are normalised where
 * they are compared), so an export re-imports to the same rows.
 */
export const mappingRowSchema = z.object({
  channel: nonBlank("channel", trimmedOrNull),
  channelSku: nonBlank("channel_sku", normalizeSku),
  inventorySku: nonBlank("inventory_sku", normalizeSku),
  packSize: packSizeField,
});

const FIELD_FOR_COLUMN: Record<MappingColumn, keyof MappingRow> = {
  channel: "channel",
  channel_sku: "channelSku",
  inventory_sku: "inventorySku",
  pack_size: "packSize",
};

interface CsvRecord {
  line: number;
  fields: string[];
  error?: string;
}

/**
 * RFC 4180 records with the line each starts on. Accepts CRLF, LF and lone CR line ends; quoted fields may hold
 * commas, doubled quotes and line breaks (kept verbatim). A malformed record is returned with an error and
 * parsing resumes on the next line.
 */
function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  const length = text.length;

  const atLineEnd = () => i >= length || text[i] === "\r" || text[i] === "\n";
  const consumeLineEnd = () => {
    if (i >= length) return;
    i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1;
    line += 1;
  };
  const skipRestOfLine = () => {
    while (!atLineEnd()) i += 1;
  };

  while (i < length) {
    const record: CsvRecord = { line, fields: [] };
    records.push(record);
    for (;;) {
      if (text[i] === '"') {
        const quoted = readQuoted();
        record.fields.push(quoted.value);
        if (!quoted.closed) {
          record.error = "A quoted value starts on this line but its closing quote is missing.";
          return records;
        }
        if (!atLineEnd() && text[i] !== ",") {
          record.error =
            'There is text after the closing quote of a value; put the whole value in quotes and double any quote inside it ("").';
          skipRestOfLine();
        }
      } else {
        const start = i;
        while (!atLineEnd() && text[i] !== ",") i += 1;
        const value = text.slice(start, i);
        if (value.includes('"') && !record.error) {
          record.error =
            'A value contains a quote (") but does not start with one; put the whole value in quotes and double the quote ("").';
        }
        record.fields.push(value);
      }
      if (text[i] === ",") {
        i += 1;
        continue;
      }
      consumeLineEnd();
      break;
    }
  }
  return records;

  function readQuoted(): { value: string; closed: boolean } {
    let value = "";
    i += 1; // the opening quote
    while (i < length) {
      const char = text[i];
      if (char === '"') {
        if (text[i + 1] === '"') {
          value += '"';
          i += 2;
          continue;
        }
        i += 1;
        return { value, closed: true };
      }
      if (char === "\n" || (char === "\r" && text[i + 1] !== "\n")) line += 1;
      value += char;
      i += 1;
    }
    return { value, closed: false };
  }
}

/** "Channel SKU", " channel-sku " and "CHANNEL_SKU" all name the channel_sku column. */
const headerName = (raw: string) => raw.trim().toLowerCase().replace(/[\s-]+/g, "_");

function readHeader(header: CsvRecord | undefined): { columns: string[]; errors: MappingCsvError[] } {
  const expected = MAPPING_CSV_COLUMNS.join(",");
  if (!header || (header.fields.length === 1 && header.fields[0]?.trim() === "")) {
    return {
      columns: [],
      errors: [{ line: 1, message: `The file has no header; its first line must be: ${expected}` }],
    };
  }
  if (header.error) return { columns: [], errors: [{ line: 1, message: `The header is not valid CSV: ${header.error}` }] };

  const columns = header.fields.map(headerName);
  const known = new Set<string>(MAPPING_CSV_COLUMNS);
  const errors: MappingCsvError[] = [];
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    errors.push({ line: 1, message: `The header is missing the column(s) ${missing.join(", ")} (expected ${expected}).` });
  }
  // An unknown column is most likely a typo (pack_sise would silently mean "single units" and oversell packs).
  const unknown = columns.filter((column) => !known.has(column));
  if (unknown.length > 0) {
    errors.push({
      line: 1,
      message: `The header has unknown column(s) ${unknown.map((column) => `"${column}"`).join(", ")} (expected ${expected}).`,
    });
  }
  const repeated = columns.filter((column, index) => known.has(column) && columns.indexOf(column) !== index);
  if (repeated.length > 0) {
    errors.push({ line: 1, message: `The header names the column(s) ${[...new Set(repeated)].join(", ")} more than once.` });
  }
  return { columns, errors };
}

const isBlankRecord = (record: CsvRecord) => !record.error && record.fields.every((field) => field.trim() === "");

/** Manual mappings from CSV: every usable row, and every problem with the line it is on. */
export function parseMappingCsv(text: string): ParsedMappingCsv {
  const records = parseCsvRecords(text.startsWith("\uFEFF") ? text.slice(1) : text);
  const header = readHeader(records[0]);
  if (header.errors.length > 0) return { rows: [], rowLines: [], errors: header.errors };

  const body = records.slice(1).filter((record) => !isBlankRecord(record));
  if (body.length > MAX_MAPPING_ROWS) {
    return {
      rows: [],
      rowLines: [],
      errors: [
        {
          line: 1,
          message: `The file has ${body.length} rows; import at most ${MAX_MAPPING_ROWS} at a time by splitting it into several files.`,
        },
      ],
    };
  }

  const rows: MappingRow[] = [];
  const rowLines: number[] = [];
  const errors: MappingCsvError[] = [];
  const firstLineOf = new Map<string, number>();
  for (const record of body) {
    const row = readRow(record, header.columns, errors);
    if (!row) continue;
    // Two lines for the same channel SKU would be a guess about which one is meant.
    const key = `${row.channel.trim().toLowerCase()}\u0000${normalizeSku(row.channelSku)}`;
    const first = firstLineOf.get(key);
    if (first !== undefined) {
      errors.push({
        line: record.line,
        message:
          `channel_sku ${normalizeSku(row.channelSku)} on channel ${row.channel.trim()} is already mapped on ` +
          `line ${first}; keep one line per channel SKU.`,
      });
      continue;
    }
    firstLineOf.set(key, record.line);
    rows.push(row);
    rowLines.push(record.line);
  }
  return { rows, rowLines, errors };
}

function readRow(record: CsvRecord, columns: readonly string[], errors: MappingCsvError[]): MappingRow | null {
  if (record.error) {
    errors.push({ line: record.line, message: record.error });
    return null;
  }
  if (record.fields.length !== columns.length) {
    errors.push({
      line: record.line,
      message: `This line has ${record.fields.length} values but the header has ${columns.length} columns.`,
    });
    return null;
  }
  const input: Partial<Record<keyof MappingRow, string>> = {};
  columns.forEach((column, index) => {
    input[FIELD_FOR_COLUMN[column as MappingColumn]] = record.fields[index];
  });
  const parsed = mappingRowSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) errors.push({ line: record.line, message: issue.message });
  return null;
}

/** Quotes a field when a spreadsheet would otherwise split it, or drop its leading/trailing spaces. */
function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Manual mappings as CSV (CRLF line ends, as RFC 4180 says). `bom: true` prefixes a byte order mark, which
 * Excel needs to read UTF-8; parseMappingCsv accepts both.
 */
export function toMappingCsv(rows: readonly MappingRow[], options: { bom?: boolean } = {}): string {
  const lines = [MAPPING_CSV_COLUMNS.join(",")];
  for (const row of rows) {
    lines.push([row.channel, row.channelSku, row.inventorySku, String(row.packSize)].map(csvField).join(","));
  }
  return `${options.bom ? "\uFEFF" : ""}${lines.join("\r\n")}\r\n`;
}
