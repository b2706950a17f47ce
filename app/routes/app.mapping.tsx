import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Layout, List, Page, Select, Tabs, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import {
  exportMappingCsv,
  importMappingCsv,
  itemBySku,
  mapListing,
  MappingError,
  mappingView,
  parseBundleComponents,
  setBundle,
  unmapListing,
} from "~/channels/mapping.server";
import { PaginationFooter } from "~/admin/pagination-footer";
import { db } from "~/db.server";
import { authenticate } from "~/shopify.server";

// SKU mapping: how each channel listing maps to this store's items, the conflicts to settle, manual mappings
// (packs), bundles, and the same mappings as CSV.

const MAX_CSV_BYTES = 2_000_000;

const querySchema = z.object({ view: z.enum(["attention", "all"]).optional(), page: z.coerce.number().int().min(1).max(100_000).optional() });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const { view, page } = query.success ? query.data : {};
  return mappingView(db(), session.shop, { attention: view !== "all", page });
};

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("map"), listingId: z.string().min(1), sku: z.string().trim().min(1, "Enter the SKU of an item in this store"), packSize: z.string().default("1") }),
  z.object({ intent: z.literal("bundle"), listingId: z.string().min(1), components: z.string().trim().min(1, "List the bundle's items, e.g. MUG-GRY x2, TEE-BLK-M") }),
  z.object({ intent: z.literal("unmap"), listingId: z.string().min(1) }),
  z.object({ intent: z.literal("import"), csv: z.string().max(MAX_CSV_BYTES, "The file is over 2 MB; split it into several files") }),
  z.object({ intent: z.literal("export") }),
]);

type ActionResult = { ok: boolean; message: string; errors?: { line: number; message: string }[]; csv?: string };

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const { session } = await authenticate.admin(request);
  const form = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return { ok: false, message: form.error.issues[0]?.message ?? "The form is not valid" };
  const input = form.data;
  try {
    switch (input.intent) {
      case "map":
        await mapListing(db(), session.shop, { listingId: input.listingId, inventoryItemId: await itemBySku(db(), session.shop, input.sku), packSize: input.packSize || "1" });
        return { ok: true, message: "Mapped. The channel's quantity is being updated." };
      case "bundle":
        await setBundle(db(), session.shop, { listingId: input.listingId, components: await parseBundleComponents(db(), session.shop, input.components) });
        return { ok: true, message: "Saved as a bundle: the channel may sell as many as can be put together." };
      case "unmap":
        await unmapListing(db(), session.shop, input.listingId);
        return { ok: true, message: "Unmapped. Omnistock no longer changes that listing's quantity." };
      case "import": {
        const result = await importMappingCsv(db(), session.shop, input.csv);
        if (result.errors.length) return { ok: false, message: `Nothing was imported: ${result.errors.length} problem(s) to fix in the file.`, errors: result.errors.slice(0, 100) };
        return { ok: true, message: `Imported: ${result.applied} mapping(s) changed, ${result.unchanged} already as in the file.` };
      }
      case "export":
        return { ok: true, message: "Exported.", csv: await exportMappingCsv(db(), session.shop) };
    }
  } catch (error) {
    if (error instanceof MappingError) return { ok: false, message: error.message };
    throw error;
  }
};

type Row = Awaited<ReturnType<typeof loader>>["rows"][number];

const STATUS: Record<Row["status"], { label: string; tone?: "success" | "info" | "critical" | "attention" }> = {
  matched: { label: "Matched", tone: "success" },
  manual: { label: "Mapped by hand", tone: "info" },
  bundle: { label: "Bundle", tone: "info" },
  conflict: { label: "Needs a decision", tone: "critical" },
  unmatched: { label: "Not mapped", tone: "attention" },
};

function ListingEditor({ row }: { row: Row }) {
  const navigation = useNavigation();
  const [mode, setMode] = useState<"map" | "bundle">(row.status === "bundle" ? "bundle" : "map");
  const [sku, setSku] = useState(row.item?.sku ?? "");
  const [packSize, setPackSize] = useState(String(row.packSize));
  const [components, setComponents] = useState(row.components.map((c) => `${c.sku} x${c.quantity}`).join(", "));
  const busy = navigation.formData?.get("listingId") === row.id;
  return (
    <Form method="post">
      <input type="hidden" name="listingId" value={row.id} />
      <input type="hidden" name="intent" value={mode} />
      <InlineStack gap="200" blockAlign="end" wrap={false}>
        <Select label="Map as" labelHidden options={[{ label: "One item", value: "map" }, { label: "Bundle", value: "bundle" }]} value={mode} onChange={(v) => setMode(v as "map" | "bundle")} />
        {mode === "map" ? (
          <>
            <TextField label="Item SKU" labelHidden name="sku" placeholder="Item SKU" value={sku} onChange={setSku} autoComplete="off" />
            <div style={{ width: "6rem" }}>
              <TextField label="Units per sale" labelHidden name="packSize" type="number" min={1} value={packSize} onChange={setPackSize} autoComplete="off" prefix="×" />
            </div>
          </>
        ) : (
          <TextField label="Bundle items" labelHidden name="components" placeholder="MUG-GRY x2, TEE-BLK-M" value={components} onChange={setComponents} autoComplete="off" />
        )}
        <Button submit loading={busy}>Save</Button>
      </InlineStack>
    </Form>
  );
}

function download(csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: "omnistock-sku-mapping.csv" });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

function CsvCard() {
  const exporter = useFetcher<typeof action>();
  const importer = useFetcher<typeof action>();
  const [fileError, setFileError] = useState<string | null>(null);
  useEffect(() => {
    if (exporter.data?.csv) download(exporter.data.csv);
  }, [exporter.data]);
  const onFile = async (file: File | undefined) => {
    setFileError(null);
    if (!file) return;
    if (file.size > MAX_CSV_BYTES) return setFileError("The file is over 2 MB; split it into several files.");
    importer.submit({ intent: "import", csv: await file.text() }, { method: "post" });
  };
  const result = importer.data;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Mappings as CSV</Text>
        <Text as="p" tone="subdued">
          Columns: channel, channel_sku, inventory_sku, pack_size. Export, edit in a spreadsheet, import: the whole file is checked first and nothing changes unless every line is right.
        </Text>
        <InlineStack gap="300" blockAlign="center">
          <Button onClick={() => exporter.submit({ intent: "export" }, { method: "post" })} loading={exporter.state !== "idle"}>Export CSV</Button>
          <label>
            <Text as="span" visuallyHidden>Import a CSV file</Text>
            <input type="file" accept=".csv,text/csv" aria-label="Import a CSV file" onChange={(e) => void onFile(e.currentTarget.files?.[0])} disabled={importer.state !== "idle"} />
          </label>
        </InlineStack>
        {fileError && <Banner tone="critical"><p>{fileError}</p></Banner>}
        {result && (
          <Banner tone={result.ok ? "success" : "critical"} title={result.message}>
            {result.errors && (
              <List type="bullet">
                {result.errors.map((e) => (
                  <List.Item key={`${e.line}:${e.message}`}>{`Line ${e.line}: ${e.message}`}</List.Item>
                ))}
              </List>
            )}
          </Banner>
        )}
      </BlockStack>
    </Card>
  );
}

export default function Mapping() {
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params, setParams] = useSearchParams();
  const tab = params.get("view") === "all" ? 1 : 0;
  return (
    <Page title="SKU mapping" subtitle="How each channel's listings map to this store's items">
      <Layout>
        {result && !result.csv && (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"}>
              <p>{result.message}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card padding="0">
            <Tabs
              tabs={[
                { id: "attention", content: `Needs attention (${view.attention})` },
                { id: "all", content: "All listings" },
              ]}
              selected={tab}
              onSelect={(index) => setParams({ view: index === 1 ? "all" : "attention" })}
            />
            {view.rows.length === 0 ? (
              <EmptyState heading={tab === 0 ? "Every listing is mapped" : "No listings yet"} image="">
                <p>{tab === 0 ? "Nothing needs a decision. New listings are matched by SKU, barcode and pack size when a channel is read." : "Link a store or connect a channel on the Channels page."}</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "listing", plural: "listings" }}
                itemCount={view.rows.length}
                selectable={false}
                headings={[{ title: "Channel listing" }, { title: "Status" }, { title: "Maps to" }, { title: "Change" }]}
              >
                {view.rows.map((row, index) => (
                  <IndexTable.Row id={row.id} key={row.id} position={index}>
                    <IndexTable.Cell>
                      <BlockStack gap="050">
                        <Text as="span" fontWeight="semibold">{row.remoteSku ?? "(no SKU)"}</Text>
                        <Text as="span" tone="subdued" variant="bodySm">{row.channel}</Text>
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <BlockStack gap="050">
                        <Badge tone={STATUS[row.status].tone}>{STATUS[row.status].label}</Badge>
                        {row.conflict && <Text as="span" tone="critical" variant="bodySm">{row.conflict}</Text>}
                        {row.status === "matched" && row.matchedVia && <Text as="span" tone="subdued" variant="bodySm">{`by ${row.matchedVia}`}</Text>}
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      {row.item ? (
                        <Text as="span">{`${row.item.sku ?? "no SKU"} · ${row.item.title}${row.packSize > 1 ? ` · ×${row.packSize} per sale` : ""}`}</Text>
                      ) : row.components.length ? (
                        <Text as="span">{row.components.map((c) => `${c.sku} ×${c.quantity}`).join(" + ")}</Text>
                      ) : (
                        <Text as="span" tone="subdued">nothing</Text>
                      )}
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <InlineStack gap="200" blockAlign="center" wrap={false}>
                        <ListingEditor row={row} />
                        {(row.item || row.components.length > 0) && (
                          <Form method="post">
                            <input type="hidden" name="intent" value="unmap" />
                            <input type="hidden" name="listingId" value={row.id} />
                            <Button submit variant="plain" tone="critical">Unmap</Button>
                          </Form>
                        )}
                      </InlineStack>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
            <PaginationFooter total={view.total} page={view.page} pages={view.pages} resourceName={{ singular: "listing", plural: "listings" }} />
          </Card>
        </Layout.Section>
        <Layout.Section>
          <CsvCard />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
