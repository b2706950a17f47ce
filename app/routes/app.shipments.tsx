import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Button,
  ButtonGroup,
  Card,
  Checkbox,
  DataTable,
  IndexTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Pagination,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { db } from "~/db.server";
import { authenticate } from "~/shopify.server";
import { requestBackfill } from "~/tracking/backfill.server";
import { backfillStatus, listShipments, shipmentFiltersSchema, shipmentKpis } from "~/tracking/shipment-list.server";
import { TRACKING_STATUS_LABELS, TRACKING_STATUSES, type TrackingStatus } from "~/tracking/status";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const filters = shipmentFiltersSchema.parse(params);
  const days = params.days === "90" ? 90 : 30;
  const [list, kpis, backfill] = await Promise.all([
    listShipments(db(), session.shop, filters),
    shipmentKpis(db(), session.shop, days),
    backfillStatus(db(), session.shop),
  ]);
  return { filters, list, kpis, backfill };
};

const actionSchema = z.object({ intent: z.literal("backfill") });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return Response.json({ error: "Unknown action" }, { status: 400 });
  // The tracking worker picks it up within seconds.
  await requestBackfill(db(), session.shop);
  return { requested: true };
};

const STATUS_TONE: Partial<Record<TrackingStatus, "success" | "info" | "attention" | "critical" | "warning">> = {
  delivered: "success",
  in_transit: "info",
  out_for_delivery: "info",
  available_for_pickup: "attention",
  attempt_fail: "warning",
  exception: "critical",
  returning_to_sender: "warning",
};

const percent = (value: number | null) => (value === null ? "–" : `${Math.round(value * 1000) / 10}%`);
const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : "–");

function Kpi({ title, value, note }: { title: string; value: string; note?: string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm">
          {title}
        </Text>
        <Text as="p" variant="headingLg">
          {value}
        </Text>
        {note && (
          <Text as="p" tone="subdued">
            {note}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

export default function Shipments() {
  const { filters, list, kpis, backfill } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [q, setQ] = useState(filters.q ?? "");
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "page") next.delete("page");
    setParams(next);
  };

  return (
    <Page title="Shipments" subtitle="Every parcel, from Shopify's fulfillments and your tracking providers">
      <Layout>
        <Layout.Section>
          <BlockStack gap="300">
            <InlineStack align="space-between" blockAlign="center">
              <Text as="h2" variant="headingMd">
                Parcels shipped in the last {kpis.days} days
              </Text>
              <ButtonGroup variant="segmented">
                <Button pressed={kpis.days === 30} onClick={() => set("days", null)}>
                  30 days
                </Button>
                <Button pressed={kpis.days === 90} onClick={() => set("days", "90")}>
                  90 days
                </Button>
              </ButtonGroup>
            </InlineStack>
            <InlineGrid columns={{ xs: 1, md: 4 }} gap="400">
              <Kpi title="Shipped" value={String(kpis.shipped)} note={`${kpis.delivered} delivered`} />
              <Kpi title="On-time delivery" value={percent(kpis.onTimeRate)} note="Delivered by the promised or estimated date" />
              <Kpi title="Exception rate" value={percent(kpis.exceptionRate)} note="Parcels that hit a problem on the way" />
              <Kpi title="Late or stalled now" value={String(kpis.inFlightLate)} />
            </InlineGrid>
            {kpis.transitByCarrier.length > 0 && (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingSm">
                    Average days in transit, per carrier
                  </Text>
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric"]}
                    headings={["Carrier", "Delivered", "Average days"]}
                    rows={kpis.transitByCarrier.map((c) => [c.name, c.delivered, c.averageDays.toFixed(1)])}
                  />
                </BlockStack>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>

        <Layout.Section>
          <Card padding="0">
            <BlockStack>
              <div style={{ padding: "var(--p-space-400)" }}>
                <InlineGrid columns={{ xs: 1, md: 4 }} gap="300" alignItems="end">
                  <Select
                    label="Status"
                    options={[{ label: "Any status", value: "" }, ...TRACKING_STATUSES.map((s) => ({ label: TRACKING_STATUS_LABELS[s], value: s }))]}
                    value={filters.status ?? ""}
                    onChange={(value) => set("status", value)}
                  />
                  <Select
                    label="Carrier"
                    options={[{ label: "Any carrier", value: "" }, ...list.carriers.map((c) => ({ label: c.name, value: c.code }))]}
                    value={filters.carrier ?? ""}
                    onChange={(value) => set("carrier", value)}
                  />
                  <Form method="get" onSubmit={(event) => { event.preventDefault(); set("q", q.trim()); }}>
                    <TextField label="Order or tracking number" value={q} onChange={setQ} autoComplete="off" clearButton onClearButtonClick={() => { setQ(""); set("q", null); }} />
                  </Form>
                  <Checkbox label="Needs attention only" checked={filters.exceptions} onChange={(checked) => set("exceptions", checked ? "1" : null)} />
                </InlineGrid>
              </div>
              <IndexTable
                resourceName={{ singular: "shipment", plural: "shipments" }}
                itemCount={list.shipments.length}
                selectable={false}
                loading={navigation.state === "loading"}
                headings={[
                  { title: "Order" },
                  { title: "Carrier" },
                  { title: "Tracking number" },
                  { title: "Status" },
                  { title: "Estimated delivery" },
                  { title: "Shipped" },
                  { title: "Destination" },
                ]}
                emptyState={
                  <div style={{ padding: "var(--p-space-400)" }}>
                    <Text as="p" tone="subdued">
                      No shipments match. Parcels appear here as soon as an order is fulfilled.
                    </Text>
                  </div>
                }
              >
                {list.shipments.map((s, index) => (
                  <IndexTable.Row id={s.id} key={s.id} position={index}>
                    <IndexTable.Cell>
                      <Text as="span" fontWeight="semibold">
                        {s.orderName ?? "–"}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{s.carrier ?? (s.pickup ? "Store pickup" : "–")}</IndexTable.Cell>
                    <IndexTable.Cell>{s.trackingNumber ?? "–"}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <InlineStack gap="100">
                        <Badge tone={STATUS_TONE[s.status]}>{TRACKING_STATUS_LABELS[s.status]}</Badge>
                        {s.lateness && <Badge tone="warning">{s.lateness === "stalled" ? "Stalled" : "Late"}</Badge>}
                        {s.reason && s.status !== "delivered" && (
                          <Text as="span" tone="subdued">
                            {s.reason.replaceAll("_", " ")}
                          </Text>
                        )}
                      </InlineStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{s.estimatedDelivery ?? "–"}</IndexTable.Cell>
                    <IndexTable.Cell>{day(s.shippedAt)}</IndexTable.Cell>
                    <IndexTable.Cell>{s.destination ?? "–"}</IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
              <div style={{ padding: "var(--p-space-300)", display: "flex", justifyContent: "center" }}>
                <Pagination
                  hasPrevious={list.page > 1}
                  hasNext={list.page < list.pages}
                  onPrevious={() => set("page", String(list.page - 1))}
                  onNext={() => set("page", String(list.page + 1))}
                  label={`${list.total} shipments · page ${list.page} of ${list.pages}`}
                />
              </div>
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm">
                History from Shopify
              </Text>
              <Text as="p" tone="subdued">
                {!backfill
                  ? "Omnistock reads the last 90 days of fulfillments shortly after it is installed."
                  : backfill.status === "done"
                    ? `Read ${backfill.shipments} shipments from the last 90 days (${day(backfill.finishedAt)}).`
                    : backfill.status === "failed"
                      ? `The last read failed: ${backfill.error ?? "unknown error"}. It is tried again within the hour.`
                      : "Reading recent fulfillments from Shopify…"}
              </Text>
              <InlineStack>
                <Button onClick={() => submit({ intent: "backfill" }, { method: "post" })} disabled={backfill?.status === "running" || backfill?.status === "requested"}>
                  Read recent shipments again
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
