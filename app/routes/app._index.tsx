import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Page, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import { setSimulator, simulatorForm, simulatorStatus, type SimulatorStatus } from "~/demo/simulator.server";
import { databaseKind, db } from "~/db.server";
import { healthReport } from "~/health.server";
import { authenticate } from "~/shopify.server";
import { deliverySummary } from "~/webhooks/summary.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [health, deliveries, simulator] = await Promise.all([
    healthReport(db(), databaseKind()),
    deliverySummary(db(), session.shop),
    simulatorStatus(),
  ]);
  return { shop: session.shop, health, deliveries, simulator };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  await authenticate.admin(request);
  const form = simulatorForm.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return Response.json({ error: form.error.issues[0]?.message }, { status: 400 });
  return { simulator: await setSimulator(form.data) };
};

function SimulatorCard({ status }: { status: SimulatorStatus }) {
  const fetcher = useFetcher<typeof action>();
  const current = fetcher.data && "simulator" in fetcher.data ? fetcher.data.simulator : status;
  const [rate, setRate] = useState(String(current.ordersPerMinute));
  const submit = (running: boolean) => fetcher.submit({ running: running ? "on" : "off", ordersPerMinute: rate }, { method: "post" });
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingSm">
            Sale simulator (demo)
          </Text>
          <Badge tone={current.running ? "success" : undefined}>{current.running ? "Running" : "Stopped"}</Badge>
        </InlineStack>
        <Text as="p" tone="subdued">
          Places orders online, in the shops and in the connected store, so you can watch stock change everywhere.
          {` ${current.placed} placed, ${current.refused} refused for lack of stock.`}
          {current.lastOrder ? ` Last: ${current.lastOrder.name} (${current.lastOrder.channel}).` : ""}
        </Text>
        <InlineStack gap="300" blockAlign="end">
          <Select
            label="Orders per minute"
            options={["6", "30", "60", "120", "300"]}
            value={rate}
            onChange={setRate}
          />
          <Button variant="primary" loading={fetcher.state !== "idle"} onClick={() => submit(!current.running)}>
            {current.running ? "Stop sales" : "Start sales"}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

export default function Overview() {
  const { shop, health, deliveries, simulator } = useLoaderData<typeof loader>();
  const { counts } = deliveries;
  return (
    <Page title="Omnistock" subtitle={shop}>
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingSm">
                  Database
                </Text>
                <Text as="p">{health.database.kind === "postgresql" ? "PostgreSQL" : "SQLite"}</Text>
                {health.database.migrationsCurrent ? (
                  <Badge tone="success">Up to date</Badge>
                ) : (
                  <Badge tone="critical">{`Migrations pending: ${health.database.pendingMigrations.join(", ")}`}</Badge>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingSm">
                  Webhooks waiting
                </Text>
                <Text as="p" variant="headingLg">
                  {counts.pending + counts.processing}
                </Text>
                <Text as="p" tone="subdued">
                  {deliveries.lastReceivedAt
                    ? `Last received ${new Date(deliveries.lastReceivedAt).toLocaleString()}`
                    : "None received yet"}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingSm">
                  Webhooks processed
                </Text>
                <Text as="p" variant="headingLg">
                  {counts.done + counts.skipped}
                </Text>
                {counts.failed > 0 ? (
                  <Badge tone="critical">{`${counts.failed} failed`}</Badge>
                ) : (
                  <Badge tone="success">No failures</Badge>
                )}
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
        {simulator && (
          <Layout.Section>
            <SimulatorCard status={simulator} />
          </Layout.Section>
        )}
        {deliveries.recentFailures.length > 0 && (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingSm">
                  Webhooks that failed
                </Text>
                <DataTable
                  columnContentTypes={["text", "text", "text"]}
                  headings={["Topic", "Received", "What went wrong"]}
                  rows={deliveries.recentFailures.map((failure) => [
                    failure.topic,
                    new Date(failure.receivedAt).toLocaleString(),
                    failure.lastError ?? "",
                  ])}
                />
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
