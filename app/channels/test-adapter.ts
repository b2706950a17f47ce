import type { AdapterChannel, ChannelAdapter, QuantityUpdate, RemoteListing, RemoteOrder, UpdateResult } from "./adapters";

/**
 * An in-memory marketplace: it proves the adapter interface end to end and lets tests act as the channel
 * (sell, change a quantity behind our back, refuse a listing).
 */
export class TestMarketplace implements ChannelAdapter {
  readonly kind = "test";
  readonly listings = new Map<string, RemoteListing>();
  readonly orders: RemoteOrder[] = [];
  readonly calls: QuantityUpdate[][] = [];
  refuse = new Set<string>();

  list(listing: RemoteListing) {
    this.listings.set(listing.remoteListingId, { ...listing });
  }

  sell(remoteListingId: string, quantity: number, at = new Date()) {
    const listing = this.listings.get(remoteListingId)!;
    listing.quantity -= quantity;
    const id = String(this.orders.length + 1);
    this.orders.push({ id, name: `M-${id}`, createdAt: at.toISOString(), lines: [{ lineItemId: `${id}-1`, remoteListingId, quantity }] });
  }

  async listListings(_channel: AdapterChannel): Promise<RemoteListing[]> {
    return [...this.listings.values()].map((l) => ({ ...l }));
  }

  async setQuantities(_channel: AdapterChannel, updates: QuantityUpdate[]): Promise<UpdateResult[]> {
    this.calls.push(updates);
    return updates.map((update): UpdateResult => {
      const listing = this.listings.get(update.remoteListingId);
      if (!listing || this.refuse.has(update.remoteListingId)) {
        return { remoteListingId: update.remoteListingId, ok: false, stale: false, error: "The marketplace does not know this listing" };
      }
      if (update.expected !== null && update.expected !== listing.quantity) {
        return { remoteListingId: update.remoteListingId, ok: false, stale: true, error: "The quantity changed on the marketplace" };
      }
      listing.quantity = update.quantity;
      return { remoteListingId: update.remoteListingId, ok: true, quantity: update.quantity };
    });
  }

  async ordersSince(_channel: AdapterChannel, since: Date): Promise<RemoteOrder[]> {
    return this.orders.filter((o) => new Date(o.createdAt) >= since);
  }
}
