import { describe, expect, it } from "vitest";
import { restockParts } from "../../app/sync/sales.server";

// A refund puts back the refunded share of what a linked sale took, where it was taken.

const sale = (inventoryItemId: string, locationId: string, quantity: number) => ({ inventoryItemId, locationId, quantity });
const summary = (parts: ReturnType<typeof restockParts<ReturnType<typeof sale>>>) => parts.map((p) => `${p.sale.inventoryItemId}@${p.sale.locationId}+${p.units}`);

describe("restockParts", () => {
  it.each<[string, ReturnType<typeof sale>[], number, number, string[]]>([
    ["a whole line back", [sale("tee", "w", 2)], 2, 2, ["tee@w+2"]],
    ["half of a 2-pack line (4 units) back", [sale("tee", "w", 4)], 1, 2, ["tee@w+2"]],
    ["one of two units taken from two locations: a tie goes to the same location on every retry", [sale("tee", "w", 1), sale("tee", "s", 1)], 1, 2, ["tee@s+1"]],
    ["the same whatever order the parts are read in", [sale("tee", "s", 1), sale("tee", "w", 1)], 1, 2, ["tee@s+1"]],
    ["most goes back where most was taken", [sale("tee", "s", 1), sale("tee", "w", 3)], 2, 4, ["tee@w+2"]],
    ["a split line refunded whole", [sale("tee", "w", 3), sale("tee", "s", 1)], 4, 4, ["tee@w+3", "tee@s+1"]],
    ["a bundle: each component's share", [sale("mug", "w", 1), sale("tee", "w", 2)], 1, 1, ["mug@w+1", "tee@w+2"]],
    ["nothing refunded, nothing back", [sale("tee", "w", 2)], 0, 2, []],
    ["never more than was taken", [sale("tee", "w", 2)], 5, 2, ["tee@w+2"]],
  ])("%s", (_name, taken, refunded, ordered, expected) => {
    expect(summary(restockParts(taken, refunded, ordered))).toEqual(expected);
  });

  it("spreads several partial refunds of a split line over the locations that still miss units", () => {
    const taken = [sale("tee", "w", 2), sale("tee", "s", 2)];
    const returned = new Map<string, number>();
    const refund = (units: number) => {
      const parts = restockParts(taken, units, 4, returned);
      for (const p of parts) returned.set(`tee@${p.sale.locationId}`, (returned.get(`tee@${p.sale.locationId}`) ?? 0) + p.units);
      return summary(parts);
    };
    expect(refund(1)).toEqual(["tee@s+1"]);
    expect(refund(1)).toEqual(["tee@w+1"]);
    expect(refund(1)).toEqual(["tee@s+1"]);
    expect(refund(1)).toEqual(["tee@w+1"]);
    // Everything is back: a refund beyond the order puts nothing more back.
    expect(refund(1)).toEqual([]);
    expect(Object.fromEntries(returned)).toEqual({ "tee@s": 2, "tee@w": 2 });
  });
});
