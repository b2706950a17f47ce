// What a marketplace adapter (Amazon, eBay, TikTok Shop, ...) implements so Omnistock can sync a channel.
// Linked Shopify stores do not go through this: they are shops in our own mirror. Adapters validate what
// their channel's API returns (zod) and never log credentials.

export interface AdapterChannel {
  id: string;
  /** The channel's account id at the marketplace. */
  remoteAccount: string | null;
  /** Decrypted credentials, only for the call. */
  credentials: string | null;
}

export interface RemoteListing {
  remoteListingId: string;
  sku: string | null;
  barcode: string | null;
  title: string;
  /** What the channel shows as sellable now. */
  quantity: number;
}

export interface QuantityUpdate {
  remoteListingId: string;
  quantity: number;
  /** What we believe the channel shows now; adapters whose API supports it refuse to overwrite a change. */
  expected: number | null;
}

export type UpdateResult =
  | { remoteListingId: string; ok: true; quantity: number }
  | { remoteListingId: string; ok: false; stale: boolean; error: string };

export interface RemoteOrder {
  id: string;
  name: string;
  createdAt: string;
  lines: { lineItemId: string; remoteListingId: string; quantity: number }[];
}

export interface ChannelAdapter {
  readonly kind: string;
  /** Everything the channel sells, for SKU matching. */
  listListings(channel: AdapterChannel): Promise<RemoteListing[]>;
  /** Sets sellable quantities; results in the order given. */
  setQuantities(channel: AdapterChannel, updates: QuantityUpdate[]): Promise<UpdateResult[]>;
  /** Orders placed since a moment (reconciliation finds sales whose notification was lost). */
  ordersSince(channel: AdapterChannel, since: Date): Promise<RemoteOrder[]>;
}

const adapters = new Map<string, ChannelAdapter>();

export function registerAdapter(adapter: ChannelAdapter): void {
  adapters.set(adapter.kind, adapter);
}

export function adapterFor(kind: string): ChannelAdapter | undefined {
  return adapters.get(kind);
}
