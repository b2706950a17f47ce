import { describe, expect, it } from "vitest";
import {
  type ChannelListing,
  type Conflict,
  detectPack,
  type HomeItem,
  MAPPING_CSV_COLUMNS,
  type MappingRow,
  matchListings,
  MAX_MAPPING_ROWS,
  normalizeBarcode,
  normalizeSku,
  parseMappingCsv,
  toMappingCsv,
} from "../../app/inventory/sku";
import { createRandom } from "../../devstore/seed/random";

// A seeded PRNG (mulberry32, shared with the dev store's seed data) so property tests are reproducible:
// a failure prints its seed and case.
const prng = createRandom;
type Random = ReturnType<typeof prng>;

/** Runs a property over many random cases and asserts once, listing the first failing cases with their inputs. */
function property(runs: number, seed: number, check: (random: Random, run: number) => string | null) {
  const random = prng(seed);
  const failures: string[] = [];
  for (let run = 0; run < runs && failures.length < 5; run += 1) {
    const failure = check(random, run);
    if (failure !== null) failures.push(`seed ${seed} run ${run}: ${failure}`);
  }
  expect(failures).toEqual([]);
}

// Pieces of real-world mess for random strings: letters, digits, separators, every dash and invisible character
// the normaliser knows, other Unicode (accents, ligatures, full-width, CJK, emoji, right-to-left), CSV specials.
const MESSY_PIECES = [
  "os", "MUG", "gry", "a", "Z", "0", "7", "42", "-", "–", "—", "\u2212", "\u2011", "\u2010", "－", "\uFE63",
  " ", "  ", "\t", "\u00A0", "\u3000", "\n", "\u200B", "\u200D", "\uFEFF", "\u00AD", "\u200E", "\u2060",
  "é", "e\u0301", "ß", "ﬁ", "Ａ", "１", "東京", "🙂", "שלום", "ǆ", "ŉ", "İ", ",", '"', "/", ".", "_", "×", "x2", "PK",
];
const messyString = (random: Random, maxPieces = 8) =>
  Array.from({ length: random.int(0, maxPieces) }, () => random.pick(MESSY_PIECES)).join("");

describe("normalizeSku", () => {
  it.each<[string, string | null | undefined, string | null]>([
    ["null", null, null],
    ["undefined", undefined, null],
    ["empty", "", null],
    ["only spaces", "   ", null],
    ["only invisible characters", "\u200B\u200D\uFEFF\u00AD", null],
    ["already normal", "OS-MUG-GRY", "OS-MUG-GRY"],
    // case
    ["lower case", "os-mug-gry", "OS-MUG-GRY"],
    ["mixed case", "Os-Mug-Gry", "OS-MUG-GRY"],
    ["German sharp s upper-cases to SS", "straße-1", "STRASSE-1"],
    // whitespace
    ["surrounding spaces", "  OS-MUG-GRY \t", "OS-MUG-GRY"],
    ["internal runs collapse to one space", "OS   MUG\t\tGRY", "OS MUG GRY"],
    ["line breaks are whitespace", "OS\r\nMUG", "OS MUG"],
    ["no-break and ideographic spaces", "OS\u00A0MUG\u3000GRY", "OS MUG GRY"],
    ["spaces around a dash go", "OS - MUG -GRY", "OS-MUG-GRY"],
    ["spaces around a unicode dash go", "OS \u2013 MUG", "OS-MUG"],
    // unicode dashes
    ["en dash", "OS\u2013MUG", "OS-MUG"],
    ["em dash", "OS\u2014MUG", "OS-MUG"],
    ["minus sign", "OS\u2212MUG", "OS-MUG"],
    ["non-breaking hyphen", "OS\u2011MUG", "OS-MUG"],
    ["hyphen", "OS\u2010MUG", "OS-MUG"],
    ["figure dash", "OS\u2012MUG", "OS-MUG"],
    ["horizontal bar", "OS\u2015MUG", "OS-MUG"],
    ["full-width hyphen-minus", "OS\uFF0DMUG", "OS-MUG"],
    ["small hyphen-minus", "OS\uFE63MUG", "OS-MUG"],
    // zero-width and other invisible characters
    ["zero-width space", "OS-\u200BMUG", "OS-MUG"],
    ["zero-width joiner and non-joiner", "O\u200DS-M\u200CUG", "OS-MUG"],
    ["word joiner", "OS\u2060-MUG", "OS-MUG"],
    ["byte order mark", "\uFEFFOS-MUG", "OS-MUG"],
    ["soft hyphen (invisible, not a dash)", "OS\u00ADMUG", "OSMUG"],
    ["left-to-right mark from pasted RTL text", "\u200EOS-MUG\u200F", "OS-MUG"],
    ["zero-width space between spaces still collapses", "OS \u200B MUG", "OS MUG"],
    // NFKC
    ["full-width letters and digits", "ＯＳ－ＭＵＧ－１", "OS-MUG-1"],
    ["ligature", "ﬁx-1", "FIX-1"],
    ["combining accent composes", "CAFE\u0301", "CAF\u00C9"],
    ["circled digit", "MUG-\u2460", "MUG-1"],
    // kept as written
    ["other punctuation is significant", "os/mug.gry_1", "OS/MUG.GRY_1"],
    ["double dash is kept", "OS--MUG", "OS--MUG"],
  ])("%s", (_name, raw, expected) => {
    expect(normalizeSku(raw)).toBe(expected);
  });

  it("is idempotent and leaves no mess behind, on random messy strings", () => {
    property(5_000, 11, (random) => {
      const raw = messyString(random);
      const once = normalizeSku(raw);
      const context = JSON.stringify({ raw, once });
      if (normalizeSku(once) !== once) return `not idempotent: ${JSON.stringify(normalizeSku(once))} ${context}`;
      if (once === null) return raw.replace(/[\s\u00AD\u200B-\u200F\u2060\uFEFF]/g, "") === "" ? null : `null for ${context}`;
      if (once !== once.trim() || /\s\s|[^\S ]/.test(once)) return `whitespace left ${context}`;
      if (/[\u2010-\u2015\u2212\uFE63\uFF0D]|[\u00AD\u200B-\u200F\u2060\uFEFF]/.test(once)) return `dash or invisible left ${context}`;
      if (/ -|- /.test(once)) return `space around a dash ${context}`;
      if (/[a-z]/.test(once)) return `lower case left ${context}`;
      return null;
    });
  });
});

describe("normalizeBarcode", () => {
  it.each<[string, string | null | undefined, string | null]>([
    ["null", null, null],
    ["undefined", undefined, null],
    ["empty", "", null],
    ["only spaces and dashes", " - ", null],
    ["plain digits", "012345678905", "012345678905"],
    ["leading zeros are kept", "0000012345", "0000012345"],
    ["spaces are formatting", "0 12345 67890 5", "012345678905"],
    ["dashes are formatting", "0-12345-67890-5", "012345678905"],
    ["unicode dashes and no-break spaces", "0\u201312345\u00A067890\u22125", "012345678905"],
    ["zero-width characters", "\u200B4006381333931\uFEFF", "4006381333931"],
    ["full-width digits", "４００６３８１３３３９３１", "4006381333931"],
    ["an ISBN-10 with its X check digit", "0-306-40615-x", "030640615X"],
    ["a Code 128 value", " abc 123 ", "ABC123"],
  ])("%s", (_name, raw, expected) => {
    expect(normalizeBarcode(raw)).toBe(expected);
  });
});

describe("detectPack", () => {
  it.each<[string, { baseSku: string; packSize: number } | null]>([
    ["OS-MUG-GRY-2PK", { baseSku: "OS-MUG-GRY", packSize: 2 }],
    ["OS-MUG-GRY-3PK", { baseSku: "OS-MUG-GRY", packSize: 3 }],
    ["os-mug-gry-2pk", { baseSku: "OS-MUG-GRY", packSize: 2 }],
    ["OS-MUG-GRY-PK2", { baseSku: "OS-MUG-GRY", packSize: 2 }],
    ["OS-MUG-GRY-2PACK", { baseSku: "OS-MUG-GRY", packSize: 2 }],
    ["OS-MUG-GRY-PACK6", { baseSku: "OS-MUG-GRY", packSize: 6 }],
    ["OS-MUG-GRY-12 PK", { baseSku: "OS-MUG-GRY", packSize: 12 }],
    ["OS-MUG-GRY-PACK 4", { baseSku: "OS-MUG-GRY", packSize: 4 }],
    ["OS-MUG-GRY 2PK", { baseSku: "OS-MUG-GRY", packSize: 2 }],
    ["OS-MUG-GRY X2", { baseSku: "OS-MUG-GRY", packSize: 2 }],
    ["os-mug-gry x2", { baseSku: "OS-MUG-GRY", packSize: 2 }],
    ["OS-MUG-GRY \u00D74", { baseSku: "OS-MUG-GRY", packSize: 4 }],
    // normalised first: spaces around the dash, an en dash, full-width digits, a zero-width space
    ["  os-mug-gry - 2pk ", { baseSku: "OS-MUG-GRY", packSize: 2 }],
    ["OS-MUG-GRY\u20132PK", { baseSku: "OS-MUG-GRY", packSize: 2 }],
    ["OS-MUG-GRY-\uFF13PK", { baseSku: "OS-MUG-GRY", packSize: 3 }],
    ["OS-MUG-GRY-2\u200BPK", { baseSku: "OS-MUG-GRY", packSize: 2 }],
    ["OS-MUG-GRY-02PK", { baseSku: "OS-MUG-GRY", packSize: 2 }],
    ["MUG-1000PK", { baseSku: "MUG", packSize: 1000 }],
    ["MUG-2PK-2PK", { baseSku: "MUG-2PK", packSize: 2 }],
    // not packs
    ["OS-MUG-GRY", null],
    ["OS-MUG-GRY-1PK", null],
    ["OS-MUG-GRY-0PK", null],
    ["MUG-1001PK", null],
    ["2PK", null],
    ["-2PK", null],
    ["MUG--2PK", null],
    ["MUG-X2", null],
    ["MUGX2", null],
    ["MUG2PK", null],
    ["MUG-PK", null],
    ["MUG-2PKS", null],
    ["MUG-2PK-GRY", null],
    ["MUG X1", null],
    ["", null],
  ])("%j", (sku, expected) => {
    expect(detectPack(sku)).toEqual(expected);
  });
});

describe("matchListings", () => {
  const home: HomeItem[] = [
    { inventoryItemId: "inv-mug-gry", sku: "OS-MUG-GRY", barcode: "4006381333931" },
    { inventoryItemId: "inv-mug-blu", sku: "os-mug-blu", barcode: "0 12345 67890 5" },
    { inventoryItemId: "inv-mug-2pk", sku: "OS-MUG-BLU-2PK", barcode: null },
    { inventoryItemId: "inv-tea", sku: "OS-TEA", barcode: "5012345678900" },
    { inventoryItemId: "inv-plate-a", sku: "OS-PLATE", barcode: "111" },
    { inventoryItemId: "inv-plate-b", sku: "os-plate ", barcode: "222" },
    { inventoryItemId: "inv-bowl-a", sku: "OS-BOWL-A", barcode: "999" },
    { inventoryItemId: "inv-bowl-b", sku: "OS-BOWL-B", barcode: "999" },
    { inventoryItemId: "inv-no-ids", sku: null, barcode: null },
    { inventoryItemId: "inv-blank", sku: "  ", barcode: "" },
  ];
  const listing = (listingId: string, sku: string | null, barcode: string | null = null, title?: string): ChannelListing =>
    title === undefined ? { listingId, sku, barcode } : { listingId, sku, barcode, title };

  it.each<[string, ChannelListing, { inventoryItemId: string; via: "sku" | "barcode" | "pack"; packSize: number }]>([
    ["exact SKU", listing("L1", "OS-MUG-GRY"), { inventoryItemId: "inv-mug-gry", via: "sku", packSize: 1 }],
    ["SKU after normalisation", listing("L1", " os \u2013 mug-gry\u200B"), { inventoryItemId: "inv-mug-gry", via: "sku", packSize: 1 }],
    ["home SKU normalised too", listing("L1", "OS-MUG-BLU"), { inventoryItemId: "inv-mug-blu", via: "sku", packSize: 1 }],
    ["SKU and barcode agree", listing("L1", "OS-MUG-GRY", "4006381333931"), { inventoryItemId: "inv-mug-gry", via: "sku", packSize: 1 }],
    [
      "SKU wins when the barcode is unknown to the store (marketplaces assign their own)",
      listing("L1", "OS-MUG-GRY", "7777777777777"),
      { inventoryItemId: "inv-mug-gry", via: "sku", packSize: 1 },
    ],
    [
      "SKU wins when its item is among several sharing the barcode",
      listing("L1", "OS-BOWL-A", "999"),
      { inventoryItemId: "inv-bowl-a", via: "sku", packSize: 1 },
    ],
    [
      "an exact SKU beats pack detection (the store stocks the 2-pack as its own item)",
      listing("L1", "os-mug-blu-2pk"),
      { inventoryItemId: "inv-mug-2pk", via: "sku", packSize: 1 },
    ],
    ["barcode when there is no SKU", listing("L1", null, "4006381333931"), { inventoryItemId: "inv-mug-gry", via: "barcode", packSize: 1 }],
    ["barcode when the SKU is unknown", listing("L1", "AMZ-123", "4006381333931"), { inventoryItemId: "inv-mug-gry", via: "barcode", packSize: 1 }],
    ["barcode after normalisation", listing("L1", null, "012345-678905"), { inventoryItemId: "inv-mug-blu", via: "barcode", packSize: 1 }],
    [
      "barcode before pack detection when the pack's base is unknown",
      listing("L1", "AMZ-MUG-2PK", "5012345678900"),
      { inventoryItemId: "inv-tea", via: "barcode", packSize: 1 },
    ],
    ["pack of a home SKU", listing("L1", "OS-MUG-GRY-2PK"), { inventoryItemId: "inv-mug-gry", via: "pack", packSize: 2 }],
    ["pack with an unknown barcode", listing("L1", "OS-TEA X6", "8888"), { inventoryItemId: "inv-tea", via: "pack", packSize: 6 }],
    [
      "a pack carrying its single unit's barcode is a pack, not one unit (otherwise it oversells)",
      listing("L1", "OS-MUG-GRY-PK3", "4006381333931"),
      { inventoryItemId: "inv-mug-gry", via: "pack", packSize: 3 },
    ],
  ])("matches by %s", (_name, channelListing, expected) => {
    expect(matchListings(home, [channelListing])).toEqual({
      matches: [{ listingId: channelListing.listingId, ...expected }],
      conflicts: [],
    });
  });

  it("does not match a SKU two home items share, even when the barcode would pick one", () => {
    const result = matchListings(home, [listing("L1", "OS-PLATE", "111", "Plate, white")]);
    expect(result.matches).toEqual([]);
    expect(result.conflicts).toEqual<Conflict[]>([
      {
        kind: "duplicate_home_sku",
        sku: "OS-PLATE",
        inventoryItemIds: ["inv-plate-a", "inv-plate-b"],
        listingIds: ["L1"],
        message:
          'Two products in your store use the SKU OS-PLATE; give one of them another SKU so Omnistock knows which ' +
          'one the channel listing "Plate, white" (L1) sells.',
      },
    ]);
  });

  it("reports a shared home SKU once, with every listing it blocks, in the order first seen", () => {
    const result = matchListings(home, [listing("L1", "os-plate"), listing("L2", "OS-MUG-GRY"), listing("L3", "OS-PLATE-2PK")]);
    expect(result.matches).toEqual([{ listingId: "L2", inventoryItemId: "inv-mug-gry", via: "sku", packSize: 1 }]);
    expect(result.conflicts).toEqual([
      {
        kind: "duplicate_home_sku",
        sku: "OS-PLATE",
        inventoryItemIds: ["inv-plate-a", "inv-plate-b"],
        listingIds: ["L1", "L3"],
        message:
          "Two products in your store use the SKU OS-PLATE; give one of them another SKU so Omnistock knows which " +
          "one the channel listings L1, L3 sell.",
      },
    ]);
  });

  it("says 'all but one' when three products share a SKU", () => {
    const three = [1, 2, 3].map((n) => ({ inventoryItemId: `inv-${n}`, sku: "CUP", barcode: null }));
    const [conflict] = matchListings(three, [listing("L1", "CUP")]).conflicts;
    expect(conflict?.message).toMatch(/^Three products in your store use the SKU CUP; give all but one of them another SKU/);
  });

  it("does not match a pack whose base SKU two home items share", () => {
    const result = matchListings(home, [listing("L1", "OS-PLATE X2", "111")]);
    expect(result.matches).toEqual([]);
    expect(result.conflicts).toMatchObject([{ kind: "duplicate_home_sku", sku: "OS-PLATE", listingIds: ["L1"] }]);
  });

  it("treats the same inventory item listed twice as one item, not a duplicate", () => {
    const twice = [...home, { ...home[0]! }];
    expect(matchListings(twice, [listing("L1", "OS-MUG-GRY")]).matches).toHaveLength(1);
  });

  it("matches each of several listings sharing a SKU, and reports them", () => {
    const result = matchListings(home, [
      listing("L1", "OS-MUG-GRY", null, "Grey mug"),
      listing("L2", "OS-TEA"),
      listing("L3", "os-mug-gry "),
    ]);
    expect(result.matches.map((match) => [match.listingId, match.inventoryItemId])).toEqual([
      ["L1", "inv-mug-gry"],
      ["L2", "inv-tea"],
      ["L3", "inv-mug-gry"],
    ]);
    expect(result.conflicts).toEqual<Conflict[]>([
      {
        kind: "duplicate_listing_sku",
        sku: "OS-MUG-GRY",
        listingIds: ["L1", "L3"],
        message:
          'Two listings on this channel use the SKU OS-MUG-GRY ("Grey mug" (L1), L3). Omnistock gives each of ' +
          "them the same stock, so together they can sell more than you have; end the extra listings or give them " +
          "their own SKUs.",
      },
    ]);
  });

  it("reports listings sharing a SKU even when nothing matches it", () => {
    const result = matchListings(home, [listing("L1", "NOPE"), listing("L2", "nope")]);
    expect(result.conflicts.map((conflict) => conflict.kind)).toEqual(["duplicate_listing_sku", "unmatched", "unmatched"]);
  });

  it("does not match when the SKU points to one item and the barcode to another", () => {
    const result = matchListings(home, [listing("L1", "OS-MUG-GRY", "5012345678900", "Grey mug")]);
    expect(result.matches).toEqual([]);
    expect(result.conflicts).toEqual<Conflict[]>([
      {
        kind: "sku_barcode_disagree",
        listingId: "L1",
        sku: "OS-MUG-GRY",
        barcode: "5012345678900",
        skuInventoryItemId: "inv-mug-gry",
        barcodeInventoryItemIds: ["inv-tea"],
        message:
          'The channel listing "Grey mug" (L1) has the SKU OS-MUG-GRY, which is product inv-mug-gry in your ' +
          "store, but the barcode 5012345678900, which is product inv-tea. Correct the SKU or the barcode so both " +
          "point to the product it sells.",
      },
    ]);
  });

  it("does not match when the SKU points to one item and a shared barcode to others", () => {
    const result = matchListings(home, [listing("L1", "OS-TEA", "999")]);
    expect(result.matches).toEqual([]);
    expect(result.conflicts).toMatchObject([
      { kind: "sku_barcode_disagree", skuInventoryItemId: "inv-tea", barcodeInventoryItemIds: ["inv-bowl-a", "inv-bowl-b"] },
    ]);
    expect(result.conflicts[0]?.message).toContain("which is products inv-bowl-a, inv-bowl-b.");
  });

  it("does not match a pack whose base is one item while its barcode is another", () => {
    const result = matchListings(home, [listing("L1", "OS-MUG-GRY-2PK", "5012345678900")]);
    expect(result.matches).toEqual([]);
    expect(result.conflicts).toMatchObject([
      { kind: "sku_barcode_disagree", sku: "OS-MUG-GRY-2PK", skuInventoryItemId: "inv-mug-gry", barcodeInventoryItemIds: ["inv-tea"] },
    ]);
  });

  it("does not match by a barcode two home items share", () => {
    const result = matchListings(home, [listing("L1", null, "999"), listing("L2", "AMZ-9", "999", "Bowl")]);
    expect(result.matches).toEqual([]);
    expect(result.conflicts).toEqual<Conflict[]>([
      {
        kind: "duplicate_home_barcode",
        barcode: "999",
        inventoryItemIds: ["inv-bowl-a", "inv-bowl-b"],
        listingIds: ["L1", "L2"],
        message:
          'Two products in your store use the barcode 999, and the channel listings L1, "Bowl" (L2) can only be ' +
          "recognised by that barcode; correct the barcodes in your store or give the listing the SKU of the " +
          "product it sells.",
      },
    ]);
  });

  it("resolves a shared barcode through a pack SKU whose base is one of the items", () => {
    expect(matchListings(home, [listing("L1", "OS-BOWL-B-2PK", "999")]).matches).toEqual([
      { listingId: "L1", inventoryItemId: "inv-bowl-b", via: "pack", packSize: 2 },
    ]);
  });

  it.each<[string, ChannelListing, string]>([
    [
      "an unknown SKU and barcode",
      listing("L1", "AMZ-404", "12-34", "Lamp"),
      'No product in your store has the SKU AMZ-404 or the barcode 1234 of the channel listing "Lamp" (L1); ' +
        "give the product that SKU, or map the listing by hand.",
    ],
    [
      "an unknown SKU",
      listing("L1", "amz-404"),
      "No product in your store has the SKU AMZ-404 of the channel listing L1; give the product that SKU, or map the listing by hand.",
    ],
    [
      "a pack of an unknown SKU",
      listing("L1", "AMZ-404-2PK"),
      "No product in your store has the SKU AMZ-404-2PK of the channel listing L1; give the product that SKU, or map the listing by hand.",
    ],
    [
      "neither SKU nor barcode",
      listing("L1", "  \u200B", null),
      "The channel listing L1 has neither a SKU nor a barcode; add the SKU of the product it sells, or map it by hand.",
    ],
  ])("reports %s as unmatched", (_name, channelListing, message) => {
    const result = matchListings(home, [channelListing]);
    expect(result.matches).toEqual([]);
    expect(result.conflicts).toEqual([
      {
        kind: "unmatched",
        listingId: "L1",
        sku: normalizeSku(channelListing.sku),
        barcode: normalizeBarcode(channelListing.barcode),
        message,
      },
    ]);
  });

  it("matches nothing against an empty store, and returns nothing for no listings", () => {
    expect(matchListings([], [listing("L1", "OS-MUG-GRY")]).conflicts.map((conflict) => conflict.kind)).toEqual(["unmatched"]);
    expect(matchListings(home, [])).toEqual({ matches: [], conflicts: [] });
  });

  it("never guesses, on random catalogues: every match is backed by a unique key, every listing is accounted for", () => {
    const skus = ["A", "a ", "B", "B-2PK", "C", "C X3", "D", "E-PK4", "F"];
    const barcodes = ["1", "01", "2", "3", "4"];
    property(3_000, 2026, (random) => {
      const homeItems: HomeItem[] = Array.from({ length: random.int(0, 8) }, (_, n) => ({
        inventoryItemId: `inv-${n}`,
        sku: random.chance(0.85) ? random.pick(skus) : null,
        barcode: random.chance(0.5) ? random.pick(barcodes) : null,
      }));
      const listings: ChannelListing[] = Array.from({ length: random.int(0, 8) }, (_, n) => ({
        listingId: `L${n}`,
        sku: random.chance(0.85) ? `${random.pick(skus)}${random.pick(["", "", "-2PK", " x5", "-PK3"])}` : null,
        barcode: random.chance(0.5) ? random.pick(barcodes) : null,
      }));
      const { matches, conflicts } = matchListings(homeItems, listings);
      const context = JSON.stringify({ homeItems, listings, matches, conflicts });

      const withSku = (sku: string | null) => homeItems.filter((item) => sku !== null && normalizeSku(item.sku) === sku);
      const withBarcode = (barcode: string | null) =>
        homeItems.filter((item) => barcode !== null && normalizeBarcode(item.barcode) === barcode);

      for (const match of matches) {
        const source = listings.find((candidate) => candidate.listingId === match.listingId);
        if (!source) return `match for an unknown listing ${context}`;
        const sku = normalizeSku(source.sku);
        const key =
          match.via === "sku" ? withSku(sku) : match.via === "barcode" ? withBarcode(normalizeBarcode(source.barcode)) : withSku(detectPack(source.sku ?? "")?.baseSku ?? null);
        if (key.length !== 1 || key[0]?.inventoryItemId !== match.inventoryItemId) return `match not backed by a unique ${match.via} ${context}`;
        if (match.via === "pack" && match.packSize !== detectPack(source.sku ?? "")?.packSize) return `wrong pack size ${context}`;
        if (match.via !== "pack" && match.packSize !== 1) return `pack size on a single ${context}`;
        // The barcode, if the store knows it, never points somewhere else.
        const byBarcode = withBarcode(normalizeBarcode(source.barcode));
        if (byBarcode.length > 0 && !byBarcode.some((item) => item.inventoryItemId === match.inventoryItemId)) {
          return `matched against its barcode ${context}`;
        }
        // An exact SKU that several items share is never bypassed.
        if (withSku(sku).length > 1) return `matched past a shared SKU ${context}`;
      }

      // Each listing is either matched or blocked by exactly one conflict (duplicate_listing_sku is informational).
      for (const source of listings) {
        const matched = matches.filter((match) => match.listingId === source.listingId).length;
        const blocked = conflicts.filter((conflict) =>
          conflict.kind === "duplicate_listing_sku"
            ? false
            : "listingIds" in conflict
              ? conflict.listingIds.includes(source.listingId)
              : conflict.listingId === source.listingId,
        ).length;
        if (matched + blocked !== 1) return `listing ${source.listingId} matched ${matched} and blocked ${blocked} times ${context}`;
      }
      for (const conflict of conflicts) {
        if (conflict.kind === "duplicate_listing_sku") {
          const sharing = listings.filter((source) => normalizeSku(source.sku) === conflict.sku).map((source) => source.listingId);
          if (sharing.length < 2 || JSON.stringify(sharing) !== JSON.stringify(conflict.listingIds)) return `bad duplicate_listing_sku ${context}`;
        }
        if (conflict.message.length === 0) return `conflict without a message ${context}`;
      }
      return null;
    });
  });
});

describe("parseMappingCsv", () => {
  /** Rows and errors; the lines of rows are checked on their own below. */
  const parseRows = (text: string) => {
    const { rowLines: _lines, ...rest } = parseMappingCsv(text);
    return rest;
  };

  it("tells the line each row starts on, past blank lines and quoted line breaks", () => {
    const parsed = parseMappingCsv('channel,channel_sku,inventory_sku,pack_size\n\namazon,"A\nB",C,1\nebay,D,E,2\n');
    expect(parsed.rows.map((r) => r.channel)).toEqual(["amazon", "ebay"]);
    expect(parsed.rowLines).toEqual([3, 5]);
  });

  const HEADER = "channel,channel_sku,inventory_sku,pack_size";
  const row = (channel: string, channelSku: string, inventorySku: string, packSize = 1): MappingRow => ({
    channel,
    channelSku,
    inventorySku,
    packSize,
  });

  it("reads a simple file", () => {
    expect(parseRows(`${HEADER}\namazon,AMZ-1,OS-MUG-GRY,1\nebay,EB-2,OS-MUG-GRY,2\n`)).toEqual({
      rows: [row("amazon", "AMZ-1", "OS-MUG-GRY"), row("ebay", "EB-2", "OS-MUG-GRY", 2)],
      errors: [],
    });
  });

  it.each<[string, string]>([
    ["LF", `${HEADER}\namazon,A,B,2\nebay,C,D,3`],
    ["CRLF", `${HEADER}\r\namazon,A,B,2\r\nebay,C,D,3\r\n`],
    ["lone CR (old spreadsheets)", `${HEADER}\ramazon,A,B,2\rebay,C,D,3\r`],
    ["a byte order mark", `\uFEFF${HEADER}\r\namazon,A,B,2\r\nebay,C,D,3\r\n`],
    ["blank lines anywhere", `${HEADER}\n\namazon,A,B,2\n   \n,,,\nebay,C,D,3\n\n\n`],
    ["a header in another case and order", "Inventory_SKU,PACK_SIZE,Channel,Channel_Sku\nB,2,amazon,A\nD,3,ebay,C"],
    ["header names with spaces or dashes", " Channel , Channel SKU,inventory-sku,Pack Size\namazon,A,B,2\nebay,C,D,3"],
    ["a quoted header", '"channel","channel_sku","inventory_sku","pack_size"\namazon,A,B,2\nebay,C,D,3'],
    ["padded pack sizes", `${HEADER}\namazon,A,B, 2 \nebay,C,D,03`],
  ])("accepts %s", (_name, text) => {
    expect(parseRows(text)).toEqual({ rows: [row("amazon", "A", "B", 2), row("ebay", "C", "D", 3)], errors: [] });
  });

  it("defaults pack_size to 1 when the column is absent or the value blank", () => {
    expect(parseRows("channel,channel_sku,inventory_sku\namazon,A,B\r\n").rows).toEqual([row("amazon", "A", "B")]);
    expect(parseRows(`${HEADER}\namazon,A,B,\nebay,C,D,"  "`).rows).toEqual([row("amazon", "A", "B"), row("ebay", "C", "D")]);
  });

  it("reads RFC 4180 quoting: commas, doubled quotes and line breaks inside quotes", () => {
    const text = `${HEADER}\r\n"amazon, EU","say ""hi""","line one\r\nline two\nthree",2\r\n"","x",y,1\r\n`;
    expect(parseRows(text)).toEqual({
      rows: [row("amazon, EU", 'say "hi"', "line one\r\nline two\nthree", 2)],
      errors: [{ line: 5, message: "channel is empty" }],
    });
  });

  it("keeps values as written (SKUs are normalised where they are compared)", () => {
    expect(parseRows(`${HEADER}\n amazon ," os-mug ",os\u2013mug,1`).rows).toEqual([row(" amazon ", " os-mug ", "os\u2013mug")]);
  });

  it("reports each bad line with its line number and keeps the good ones", () => {
    const text = [
      HEADER, //                                                  line 1
      'amazon,"multi', //                                          line 2 (a record over lines 2-3)
      'line",OS-1,1', //                                           line 3
      "amazon,A-2,,1", //                                          line 4: empty inventory_sku
      ",A-3,OS-3,0", //                                            line 5: empty channel and pack_size 0
      "amazon,A-4,OS-4", //                                        line 6: too few values
      "amazon,A-5,OS-5,1,extra", //                                line 7: too many values
      "amazon,A-6,OS-6,2.5", //                                    line 8
      "amazon,A-7,OS-7,1001", //                                   line 9
      "amazon,A-8,OS-8,two", //                                    line 10
      "amazon,A-9,OS-9,-1", //                                     line 11
      'amazon,A"10,OS-10,1', //                                    line 12: stray quote
      'amazon,"A-11"x,OS-11,1', //                                 line 13: text after a closing quote
      "amazon,\u200B,OS-12,1", //                                  line 14: SKU of invisible characters only
      "Amazon, a-2 ,OS-99,1", //                                   line 15: fine (line 4 with A-2 was refused)
      "amazon,A\u20132,OS-98,1", //                                line 16: A–2 on amazon is line 15 again
      "amazon,A-17,OS-17,3", //                                    line 17: fine
      '"amazon,A-18,OS-18,1', //                                   line 18: unterminated quote swallows the rest
      "amazon,A-19,OS-19,1",
    ].join("\n");
    const result = parseRows(text);
    expect(result.rows).toEqual([row("amazon", "multi\nline", "OS-1"), row("Amazon", " a-2 ", "OS-99"), row("amazon", "A-17", "OS-17", 3)]);
    expect(result.errors).toEqual([
      { line: 4, message: "inventory_sku is empty" },
      { line: 5, message: "channel is empty" },
      { line: 5, message: 'pack_size must be a whole number from 1 to 1000 (got 0)' },
      { line: 6, message: "This line has 3 values but the header has 4 columns." },
      { line: 7, message: "This line has 5 values but the header has 4 columns." },
      { line: 8, message: 'pack_size must be a whole number from 1 to 1000 (got "2.5")' },
      { line: 9, message: "pack_size must be a whole number from 1 to 1000 (got 1001)" },
      { line: 10, message: 'pack_size must be a whole number from 1 to 1000 (got "two")' },
      { line: 11, message: 'pack_size must be a whole number from 1 to 1000 (got "-1")' },
      {
        line: 12,
        message: 'A value contains a quote (") but does not start with one; put the whole value in quotes and double the quote ("").',
      },
      {
        line: 13,
        message: 'There is text after the closing quote of a value; put the whole value in quotes and double any quote inside it ("").',
      },
      { line: 14, message: "channel_sku is empty" },
      { line: 16, message: "channel_sku A-2 on channel amazon is already mapped on line 15; keep one line per channel SKU." },
      { line: 18, message: "A quoted value starts on this line but its closing quote is missing." },
    ]);
  });

  it("allows the same channel SKU on different channels", () => {
    expect(parseRows(`${HEADER}\namazon,A,B,1\nebay,A,B,1`).errors).toEqual([]);
  });

  describe("whole-file problems, reported on line 1 with no rows", () => {
    const expected = "channel,channel_sku,inventory_sku,pack_size";
    it.each<[string, string, string[]]>([
      ["an empty file", "", [`The file has no header; its first line must be: ${expected}`]],
      ["a byte order mark alone", "\uFEFF", [`The file has no header; its first line must be: ${expected}`]],
      ["a blank first line", "\namazon,A,B,1", [`The file has no header; its first line must be: ${expected}`]],
      [
        "data where the header should be",
        "amazon,A,B,1\nebay,C,D,1",
        [
          `The header is missing the column(s) channel, channel_sku, inventory_sku (expected ${expected}).`,
          `The header has unknown column(s) "amazon", "a", "b", "1" (expected ${expected}).`,
        ],
      ],
      ["a missing column", "channel,channel_sku\namazon,A", [`The header is missing the column(s) inventory_sku (expected ${expected}).`]],
      [
        "a misspelt column (it would silently mean single units)",
        "channel,channel_sku,inventory_sku,pack_sise\namazon,A,B,2",
        [`The header has unknown column(s) "pack_sise" (expected ${expected}).`],
      ],
      [
        "a repeated column",
        "channel,channel_sku,inventory_sku,Channel_SKU\namazon,A,B,C",
        ["The header names the column(s) channel_sku more than once."],
      ],
      [
        "a broken header",
        '"channel,channel_sku,inventory_sku\namazon,A,B',
        ["The header is not valid CSV: A quoted value starts on this line but its closing quote is missing."],
      ],
    ])("%s", (_name, text, messages) => {
      expect(parseRows(text)).toEqual({ rows: [], errors: messages.map((message) => ({ line: 1, message })) });
    });

    const manyRows = (count: number) =>
      [HEADER, ...Array.from({ length: count }, (_, n) => `amazon,AMZ-${n},OS-${n},1`)].join("\r\n");

    it(`accepts exactly ${MAX_MAPPING_ROWS} rows`, () => {
      const result = parseRows(manyRows(MAX_MAPPING_ROWS));
      expect(result.errors).toEqual([]);
      expect(result.rows).toHaveLength(MAX_MAPPING_ROWS);
    });

    it(`refuses more than ${MAX_MAPPING_ROWS} rows (blank lines do not count)`, () => {
      expect(parseRows(`${manyRows(MAX_MAPPING_ROWS)}\r\n\r\n`).errors).toEqual([]);
      expect(parseRows(manyRows(MAX_MAPPING_ROWS + 1))).toEqual({
        rows: [],
        errors: [
          {
            line: 1,
            message: `The file has ${MAX_MAPPING_ROWS + 1} rows; import at most ${MAX_MAPPING_ROWS} at a time by splitting it into several files.`,
          },
        ],
      });
    });
  });
});

describe("toMappingCsv", () => {
  it("writes the header and CRLF lines, quoting only what needs it", () => {
    const rows: MappingRow[] = [
      { channel: "amazon", channelSku: "AMZ-1", inventorySku: "OS-MUG-GRY", packSize: 1 },
      { channel: "amazon, EU", channelSku: 'say "hi"', inventorySku: "two\nlines", packSize: 2 },
      { channel: "ebay", channelSku: " padded ", inventorySku: "東京-🙂", packSize: 12 },
    ];
    expect(toMappingCsv(rows)).toBe(
      "channel,channel_sku,inventory_sku,pack_size\r\n" +
        "amazon,AMZ-1,OS-MUG-GRY,1\r\n" +
        '"amazon, EU","say ""hi""","two\nlines",2\r\n' +
        'ebay," padded ",東京-🙂,12\r\n',
    );
  });

  it("writes just the header for no rows, and a byte order mark on request (for Excel)", () => {
    expect(toMappingCsv([])).toBe(`${MAPPING_CSV_COLUMNS.join(",")}\r\n`);
    expect(toMappingCsv([], { bom: true })).toBe(`\uFEFF${MAPPING_CSV_COLUMNS.join(",")}\r\n`);
  });

  it("round-trips random rows with commas, quotes, line breaks and unicode", () => {
    const pieces = [...MESSY_PIECES, "\r\n", "\r", '""', ",,", '","', " "];
    const value = (random: Random, unique: string) => {
      // A visible marker keeps every value non-blank and every channel SKU distinct after normalisation.
      const text = Array.from({ length: random.int(0, 6) }, () => random.pick(pieces)).join("");
      const at = random.int(0, text.length);
      return `${text.slice(0, at)}${unique}${text.slice(at)}`.replace(/[\uD800-\uDFFF]/g, "") || unique;
    };
    property(500, 4180, (random, run) => {
      const rows: MappingRow[] = Array.from({ length: random.int(0, 25) }, (_, n) => ({
        channel: value(random, "c"),
        channelSku: value(random, `#${run}.${n}#`),
        inventorySku: value(random, "i"),
        packSize: random.chance(0.5) ? 1 : random.int(1, 1000),
      }));
      const csv = toMappingCsv(rows, { bom: random.chance(0.3) });
      const parsed = parseMappingCsv(csv);
      const same = parsed.errors.length === 0 && JSON.stringify(parsed.rows) === JSON.stringify(rows);
      return same ? null : JSON.stringify({ rows, csv, parsed });
    });
  });
});
