import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, Checkbox, FormLayout, InlineGrid, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { config } from "~/config.server";
import { db } from "~/db.server";
import { authenticate } from "~/shopify.server";
import { parseWidgetSettings, type StockStatus } from "~/storefront-proxy/availability";
import { previewAvailability } from "~/storefront-proxy/availability.server";

// Storefront widgets: preview what the availability block shows for any variant and settings (the same rules
// the storefront endpoint applies, to settings in the block's own form: q, low, n, pickup, loc), and deep links
// that add the blocks to the merchant's theme.

const querySchema = z.object({ variant: z.string().regex(/^\d+$/).optional() });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const parsed = querySchema.safeParse(Object.fromEntries(params));
  const query = parsed.success ? parsed.data : {};
  const variants = await db().inventoryItem.findMany({
    where: { shop: session.shop, variantId: { not: null } },
    orderBy: [{ productTitle: "asc" }, { variantTitle: "asc" }],
    take: 500,
    select: { variantId: true, sku: true, productTitle: true, variantTitle: true },
  });
  const settings = parseWidgetSettings(params);
  const variantId = query.variant ?? variants[0]?.variantId ?? null;
  const preview = variantId ? await previewAvailability(db(), session.shop, variantId, settings) : null;
  const apiKey = config().SHOPIFY_API_KEY;
  const editor = (template: string, block: string, target: string) =>
    `https://${session.shop}/admin/themes/current/editor?template=${template}&addAppBlockId=${apiKey}/${block}&target=${target}`;
  return {
    variants: variants.map((v) => ({ value: v.variantId!, label: `${[v.productTitle, v.variantTitle !== "Default Title" ? v.variantTitle : null].filter(Boolean).join(" – ")}${v.sku ? ` (${v.sku})` : ""}` })),
    variantId,
    settings,
    preview,
    links: {
      availability: editor("product", "store-availability", "mainSection"),
      tracking: editor("page", "order-tracking", "newAppsSection"),
    },
  };
};

const STATUS: Record<StockStatus, { label: string; tone: "success" | "warning" | "info" | "critical" }> = {
  in_stock: { label: "In stock", tone: "success" },
  low_stock: { label: "Low stock", tone: "warning" },
  transfer: { label: "Available to order", tone: "info" },
  out_of_stock: { label: "Out of stock", tone: "critical" },
};

const PICKUP: Record<string, string> = { PT1H: "1 hour", PT2H: "2 hours", PT4H: "4 hours", P1D: "24 hours", P4D: "2–4 days", P5D: "5 days or more" };

export default function StorefrontWidgets() {
  const { variants, variantId, settings, preview, links } = useLoaderData<typeof loader>();
  const [variant, setVariant] = useState(variantId ?? "");
  const [quantities, setQuantities] = useState(settings.quantities);
  const [pickup, setPickup] = useState(settings.pickupTimes);
  const [low, setLow] = useState(String(settings.lowStockThreshold));
  const [max, setMax] = useState(String(settings.maxShops));
  const [locations, setLocations] = useState(settings.locations.join(", "));
  return (
    <Page title="Storefront widgets" subtitle="What shoppers see, and how to add it to your theme">
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Store availability</Text>
                <Text as="p" tone="subdued">Each shop's stock for the variant a shopper looks at, live, with “my shop” and distance.</Text>
                <InlineStack>
                  <Button url={links.availability} target="_top" variant="primary">Add to product pages</Button>
                </InlineStack>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Order tracking</Text>
                <Text as="p" tone="subdued">A “Where is my order?” page: lookup by order number and email, or by tracking number.</Text>
                <InlineStack>
                  <Button url={links.tracking} target="_top">Add to a page</Button>
                </InlineStack>
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <Form method="get">
              <input type="hidden" name="q" value={quantities ? "1" : "0"} />
              <input type="hidden" name="pickup" value={pickup ? "1" : "0"} />
              <FormLayout>
                <Text as="h2" variant="headingMd">Preview the availability block</Text>
                <Select label="Variant" name="variant" options={variants} value={variant} onChange={setVariant} disabled={variants.length === 0} />
                <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
                  <TextField label="Low stock at or below" name="low" type="number" min={0} value={low} onChange={setLow} autoComplete="off" />
                  <TextField label="Shops shown" name="n" type="number" min={1} max={50} value={max} onChange={setMax} autoComplete="off" />
                  <TextField label="Only these locations" name="loc" value={locations} onChange={setLocations} autoComplete="off" helpText="Names or ids, comma separated; blank: all" />
                </InlineGrid>
                <InlineStack gap="400">
                  <Checkbox label="Show exact quantities" checked={quantities} onChange={setQuantities} />
                  <Checkbox label="Show pickup times" checked={pickup} onChange={setPickup} />
                </InlineStack>
                <Text as="p" tone="subdued">The same choices are in the block's settings in the theme editor; shoppers never see more than they allow.</Text>
                <Button submit>Preview</Button>
              </FormLayout>
            </Form>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">Availability in our shops</Text>
              {!preview ? (
                <Text as="p" tone="subdued">Choose a variant to preview.</Text>
              ) : preview.length === 0 ? (
                <Text as="p">This item isn't available in any of the shops shown.</Text>
              ) : (
                preview.map((shop) => (
                  <Box key={shop.id} paddingBlock="200" borderBlockEndWidth="025" borderColor="border">
                    <InlineStack align="space-between" blockAlign="center">
                      <BlockStack gap="050">
                        <Text as="span" fontWeight="semibold">{shop.name}</Text>
                        <Text as="span" tone="subdued" variant="bodySm">
                          {[shop.address.line1, [shop.address.zip, shop.address.city].filter(Boolean).join(" "), shop.hours].filter(Boolean).join(" · ")}
                        </Text>
                        {shop.pickup && (
                          <Text as="span" variant="bodySm">
                            {shop.pickup.available ? (shop.pickup.readyIn ? `Ready for pickup in ${PICKUP[shop.pickup.readyIn] ?? shop.pickup.readyIn}` : "Pickup available") : "Pickup not available"}
                          </Text>
                        )}
                      </BlockStack>
                      <Badge tone={STATUS[shop.status].tone}>{shop.quantity !== null ? `${STATUS[shop.status].label}: ${shop.quantity}` : STATUS[shop.status].label}</Badge>
                    </InlineStack>
                  </Box>
                ))
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
