import type { ShopState } from "./state/model";
import { StoreError, type DevStore } from "./state/store";

// Places orders on every channel at a chosen rate, so a visitor watches stock, shop availability and
// tracking change live: online orders and in-store (POS) sales at the home store, and sales in the
// connected store. Open online orders are shipped with a tracking number after a short while, and parcels on
// their way move on (carrier events), so tracking pages and emails change live.

export interface SimulatorStatus {
  running: boolean;
  ordersPerMinute: number;
  placed: number;
  refused: number;
  lastOrder: { shop: string; name: string; channel: string } | null;
}

const CARRIERS = [
  { company: "UPS", number: () => `1Z${randomDigits(6)}03${randomDigits(8)}` },
  { company: "DHL Express", number: () => randomDigits(10) },
  { company: "La Poste", number: () => `6A${randomDigits(11)}` },
];

const PARCEL_STEPS = ["CONFIRMED", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"] as const;
const PARCEL_MESSAGES: Record<(typeof PARCEL_STEPS)[number], string> = {
  CONFIRMED: "Shipping label created, the carrier has the parcel details",
  IN_TRANSIT: "Departed from the sorting centre",
  OUT_FOR_DELIVERY: "Out for delivery",
  DELIVERED: "Delivered to the recipient",
};

function randomDigits(length: number): string {
  return Array.from({ length }, () => Math.floor(Math.random() * 10)).join("");
}

export class SaleSimulator {
  #timer: NodeJS.Timeout | null = null;
  readonly status: SimulatorStatus = { running: false, ordersPerMinute: 30, placed: 0, refused: 0, lastOrder: null };

  constructor(
    private readonly store: DevStore,
    private readonly shops: { home: string; connected: string[] },
  ) {}

  configure(settings: { running?: boolean; ordersPerMinute?: number }) {
    if (settings.ordersPerMinute !== undefined) this.status.ordersPerMinute = Math.max(1, Math.min(6000, settings.ordersPerMinute));
    if (settings.running !== undefined) this.status.running = settings.running;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.status.running) {
      this.#timer = setInterval(() => this.tick(), Math.max(10, 60_000 / this.status.ordersPerMinute));
      this.#timer.unref();
    }
    return this.status;
  }

  stop() {
    return this.configure({ running: false });
  }

  /** Places one order on a randomly chosen channel and ships an older open online order now and then. */
  tick() {
    const roll = Math.random();
    const domain = roll < 0.25 && this.shops.connected.length ? this.shops.connected[Math.floor(Math.random() * this.shops.connected.length)]! : this.shops.home;
    const shop = this.store.shop(domain);
    const retail = [...shop.locations.values()].filter((l) => l.kind === "retail" && l.isActive);
    const pos = domain === this.shops.home && roll > 0.65 && retail.length > 0;
    const location = pos ? retail[Math.floor(Math.random() * retail.length)]! : undefined;
    const variant = this.pickVariant(shop);
    if (!variant) return;
    try {
      const order = this.store.createOrder(domain, {
        lineItems: [{ variantId: variant, quantity: Math.random() < 0.85 ? 1 : 2 }],
        locationId: location?.id,
        sourceName: pos ? "pos" : "web",
        inventoryBehaviour: "DECREMENT_OBEYING_POLICY",
      });
      this.status.placed += 1;
      this.status.lastOrder = { shop: domain, name: order.name, channel: pos ? `POS ${location!.name}` : domain === this.shops.home ? "Online store" : shop.name };
      if (pos) {
        const fo = [...shop.fulfillmentOrders.values()].find((f) => f.orderId === order.id);
        if (fo) this.store.fulfill(domain, { fulfillmentOrderId: fo.id });
      }
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      this.status.refused += 1; // out of stock: a real shopper would not have been able to buy it either
    }
    if (Math.random() < 0.3) this.shipOldestOpenOrder(domain);
    if (Math.random() < 0.3) this.advanceOldestParcel(domain);
  }

  /** The carrier scans the parcel that has waited longest: confirmed, in transit, out for delivery, delivered. */
  private advanceOldestParcel(domain: string) {
    const shop = this.store.shop(domain);
    const now = Date.now();
    const inFlight = [...shop.fulfillments.values()]
      .filter((f) => f.status === "SUCCESS" && f.trackingNumbers.length > 0 && now - Date.parse(f.createdAt) < 14 * 86_400_000)
      .filter((f) => !f.events.some((e) => e.status === "DELIVERED" || e.status === "FAILURE"))
      .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
    const parcel = inFlight[0];
    if (!parcel) return;
    const next = PARCEL_STEPS[PARCEL_STEPS.indexOf(parcel.events.at(-1)?.status as (typeof PARCEL_STEPS)[number]) + 1] ?? "DELIVERED";
    const origin = shop.locations.get(parcel.locationId)?.address;
    const destination = shop.orders.get(parcel.orderId)?.shippingAddress ?? origin;
    const place = next === "CONFIRMED" || next === "IN_TRANSIT" ? origin : destination;
    this.store.addFulfillmentEvent(domain, parcel.id, {
      status: next,
      message: PARCEL_MESSAGES[next],
      happenedAt: new Date(now).toISOString(),
      city: place?.city ?? null,
      country: place?.country ?? null,
      estimatedDeliveryAt: next === "IN_TRANSIT" ? new Date(now + 2 * 86_400_000).toISOString() : null,
    });
  }

  private pickVariant(shop: ShopState): string | undefined {
    // Shoppers mostly buy what is in stock somewhere; now and then one tries something that is not.
    const inStock = (variantId: string) => {
      const item = shop.variants.get(variantId)!.inventoryItemId;
      return [...shop.inventoryLevels.values()].some((l) => l.inventoryItemId === item && l.quantities.available > 0);
    };
    const all = [...shop.variants.values()];
    const variants = Math.random() < 0.9 ? all.filter((v) => inStock(v.id)) : all;
    if (variants.length === 0) return undefined;
    // A few best sellers take most of the demand.
    const index = Math.floor(variants.length * Math.random() ** 2.5);
    return variants[index]!.id;
  }

  private shipOldestOpenOrder(domain: string) {
    const shop = this.store.shop(domain);
    const open = [...shop.fulfillmentOrders.values()].find((fo) => fo.status === "OPEN" && fo.deliveryMethod === "SHIPPING");
    if (!open) return;
    const carrier = CARRIERS[Math.floor(Math.random() * CARRIERS.length)]!;
    this.store.fulfill(domain, { fulfillmentOrderId: open.id, trackingCompany: carrier.company, trackingNumbers: [carrier.number()] });
  }
}
