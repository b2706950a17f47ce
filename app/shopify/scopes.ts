// The access scopes Omnistock asks for, and why. shopify.app.toml declares the same list (checked by a test).
export const ACCESS_SCOPES = [
  // Stock per location, and writing it (sync pushes, store safety stock, restocks).
  "read_inventory",
  "write_inventory",
  "read_locations",
  // Variants, SKUs and barcodes for SKU mapping; app-data metafields for the storefront widgets.
  "read_products",
  "write_products",
  // Sales on every channel, including order history older than 60 days for forecasting and tracking.
  "read_orders",
  "write_orders",
  "read_all_orders",
  // Order routing, manual review holds and tracking numbers, for every kind of fulfillment order.
  "read_fulfillments",
  "write_fulfillments",
  "read_assigned_fulfillment_orders",
  "write_assigned_fulfillment_orders",
  "read_merchant_managed_fulfillment_orders",
  "write_merchant_managed_fulfillment_orders",
  "read_third_party_fulfillment_orders",
  "write_third_party_fulfillment_orders",
  // Returns restock where the parcel comes back.
  "read_returns",
  "write_returns",
  // A logged-in shopper's recent orders on the tracking page.
  "read_customers",
] as const;
