import type { DevStore } from "../state/store";
import type { Catalog } from "./catalog";
import type { History } from "./history";

// Puts generated seed data into a dev store shop as it is, without emitting webhooks: it is the state the
// shop was in before the demo began.

export function loadCatalog(store: DevStore, domain: string, catalog: Catalog): void {
  const shop = store.shop(domain);
  for (const location of catalog.locations) shop.locations.set(location.id, location);
  for (const product of catalog.products) shop.products.set(product.id, product);
  for (const variant of catalog.variants) shop.variants.set(variant.id, variant);
  for (const item of catalog.inventoryItems) shop.inventoryItems.set(item.id, item);
  for (const level of catalog.levels) store.putLevel(domain, level);
  for (const customer of catalog.customers) shop.customers.set(customer.id, customer);
  store.reserveIdsBelow(catalog.nextId);
}

export function loadHistory(store: DevStore, domain: string, history: History): void {
  const shop = store.shop(domain);
  for (const order of history.orders) shop.orders.set(order.id, order);
  for (const fo of history.fulfillmentOrders) shop.fulfillmentOrders.set(fo.id, fo);
  for (const fulfillment of history.fulfillments) shop.fulfillments.set(fulfillment.id, fulfillment);
  for (const refund of history.refunds) shop.refunds.set(refund.id, refund);
  for (const ret of history.returns) shop.returns.set(ret.id, ret);
  const lastNumber = Math.max(1000, ...history.orders.map((o) => Number(o.name.replace(/\D/g, "")) || 0));
  store.setOrderNumber(domain, lastNumber);
  store.reserveIdsBelow(history.nextId);
}
