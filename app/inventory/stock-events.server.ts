import { EventEmitter } from "node:events";

// "These items' stock changed in this shop", said by the mirror after it writes, for in-process caches (the
// storefront availability cache). On globalThis because Remix's server build and server/main.ts load their
// own copies of the modules.
const KEY = Symbol.for("omnistock.stockEvents");
const globals = globalThis as unknown as Record<symbol, EventEmitter | undefined>;
const events = (globals[KEY] ??= new EventEmitter().setMaxListeners(50));

export function stockChanged(shop: string, inventoryItemIds: string[]): void {
  if (inventoryItemIds.length) events.emit("changed", shop, inventoryItemIds);
}

export function onStockChanged(listener: (shop: string, inventoryItemIds: string[]) => void): () => void {
  events.on("changed", listener);
  return () => events.off("changed", listener);
}
