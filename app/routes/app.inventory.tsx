import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, EmptyState, FormLayout, IndexTable, InlineGrid, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { MappingError, setRuleOverride } from "~/channels/mapping.server";
import { PaginationFooter } from "~/admin/pagination-footer";
import { db } from "~/db.server";
import { inventoryView } from "~/inventory/inventory-view.server";
import { authenticate } from "~/shopify.server";

// Inventory: every item at every location, what each channel may sell and why, and per-SKU rule overrides.

const querySchema = z.object({ q: z.string().max(200).optional(), page: z.coerce.number().int().min(1).max(100_000).optional() });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const { q, page } = query.success ? query.data : {};
  return inventoryView(db(), session.shop, { query: q, page });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = Object.fromEntries(await request.formData());
  try {
    const saved = await setRuleOverride(db(), session.shop, form);
    return { ok: true as const, message: saved ? "Override saved. The channel's quantity is being updated." : "Override removed: the channel's rule applies again." };
  } catch (error) {
    if (error instanceof MappingError) return { ok: false as const, message: error.message };
    throw error;
  }
};

type View = Awaited<ReturnType<typeof loader>>;

function OverrideForm({ view }: { view: View }) {
  const navigation = useNavigation();
  const [values, setValues] = useState({ channelId: view.channels[0]?.id ?? "", inventoryItemId: view.rows[0]?.inventoryItemId ?? "", reserve: "", percentage: "", min: "", max: "", zeroOutAt: "" });
  const set = (name: keyof typeof values) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const number = (name: "reserve" | "percentage" | "min" | "max" | "zeroOutAt", label: string, help: string) => (
    <TextField label={label} name={name} autoComplete="off" value={values[name]} onChange={set(name)} helpText={help} />
  );
  return (
    <Form method="post">
      <FormLayout>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
          <Select label="Channel" name="channelId" options={view.channels.map((c) => ({ label: c.name, value: c.id }))} value={values.channelId} onChange={set("channelId")} />
          <Select
            label="Item (on this page)"
            name="inventoryItemId"
            options={view.rows.map((r) => ({ label: `${r.sku ?? "no SKU"} · ${r.title}`, value: r.inventoryItemId }))}
            value={values.inventoryItemId}
            onChange={set("inventoryItemId")}
          />
        </InlineGrid>
        <InlineGrid columns={{ xs: 1, md: 5 }} gap="300">
          {number("percentage", "Share of stock (%)", "Blank: the channel's")}
          {number("reserve", "Keep back", "Blank: the channel's")}
          {number("zeroOutAt", "Show 0 at or below", "Blank: the channel's")}
          {number("min", "At least", "Blank: the channel's; none: no minimum")}
          {number("max", "At most", "Blank: the channel's; none: no maximum")}
        </InlineGrid>
        <Text as="p" tone="subdued">Leave every field blank and save to remove the override.</Text>
        <Button submit loading={navigation.state === "submitting"}>Save override</Button>
      </FormLayout>
    </Form>
  );
}

export default function Inventory() {
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [search, setSearch] = useState(params.get("q") ?? "");
  const headings = [
    { title: "Item" },
    ...view.locations.map((l) => ({ title: l.safetyStock ? `${l.name} (keeps ${l.safetyStock})` : l.name, alignment: "end" as const })),
    ...view.channels.map((c) => ({ title: c.name })),
  ] as [{ title: string }, ...{ title: string }[]];

  return (
    <Page title="Inventory" subtitle="Stock at each location, and what each channel may sell and why">
      <Layout>
        {result && (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"}>
              <p>{result.message}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card padding="0">
            <Box padding="300">
              <Form method="get" onSubmit={() => undefined}>
                <InlineStack gap="200" blockAlign="end">
                  <div style={{ flex: 1 }}>
                    <TextField label="Search" labelHidden name="q" value={search} onChange={setSearch} placeholder="SKU, barcode or product" autoComplete="off" clearButton onClearButtonClick={() => setSearch("")} />
                  </div>
                  <Button submit>Search</Button>
                </InlineStack>
              </Form>
            </Box>
            {view.rows.length === 0 ? (
              <EmptyState heading={view.total === 0 && !params.get("q") ? "No items yet" : "Nothing matches"} image="">
                <p>{view.total === 0 && !params.get("q") ? "The catalog is being read from Shopify; see Sync activity for progress." : "Try another SKU, barcode or product name."}</p>
              </EmptyState>
            ) : (
              <IndexTable resourceName={{ singular: "item", plural: "items" }} itemCount={view.rows.length} headings={headings} selectable={false}>
                {view.rows.map((row, index) => (
                  <IndexTable.Row id={row.inventoryItemId} key={row.inventoryItemId} position={index}>
                    <IndexTable.Cell>
                      <BlockStack gap="050">
                        <Text as="span" fontWeight="semibold">{row.title}</Text>
                        <Text as="span" tone="subdued">{[row.sku ?? "no SKU", row.barcode].filter(Boolean).join(" · ")}</Text>
                        {!row.tracked && <Badge>Not tracked</Badge>}
                      </BlockStack>
                    </IndexTable.Cell>
                    {view.locations.map((location) => {
                      const level = row.levels[location.id];
                      return (
                        <IndexTable.Cell key={location.id}>
                          <Text as="span" alignment="end" numeric tone={level && level.available < 0 ? "critical" : undefined}>
                            {level ? String(level.available) : "–"}
                          </Text>
                          {level && level.safetyStock > 0 && <Text as="span" alignment="end" tone="subdued" variant="bodySm">{`+${level.safetyStock} held`}</Text>}
                        </IndexTable.Cell>
                      );
                    })}
                    {view.channels.map((channel) => {
                      const sold = row.channels[channel.id];
                      return (
                        <IndexTable.Cell key={channel.id}>
                          {sold ? (
                            <BlockStack gap="050">
                              <InlineStack gap="100" blockAlign="center">
                                <Text as="span" numeric fontWeight="semibold">{String(sold.quantity)}</Text>
                                {sold.shown !== null && sold.shown !== sold.quantity && <Badge tone="attention">{`shows ${sold.shown}`}</Badge>}
                                {sold.override && <Badge tone="info">override</Badge>}
                                {sold.listings > 1 && <Badge>{`${sold.listings} listings`}</Badge>}
                              </InlineStack>
                              <Text as="span" tone="subdued" variant="bodySm">{sold.reason}</Text>
                            </BlockStack>
                          ) : (
                            <Text as="span" tone="subdued">not listed</Text>
                          )}
                        </IndexTable.Cell>
                      );
                    })}
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
            <PaginationFooter total={view.total} page={view.page} pages={view.pages} resourceName={{ singular: "item", plural: "items" }} />
          </Card>
        </Layout.Section>
        {view.channels.length > 0 && view.rows.length > 0 && (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">Rule for one SKU on one channel</Text>
                <Text as="p" tone="subdued">An override replaces the channel's rule for that item only, for example to keep back more of a bestseller.</Text>
                <OverrideForm view={view} />
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
