import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { databaseKind, db } from "~/db.server";
import { healthReport } from "~/health.server";
import { authenticate } from "~/shopify.server";
import { deliverySummary } from "~/webhooks/summary.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [health, deliveries] = await Promise.all([
    healthReport(db(), databaseKind()),
    deliverySummary(db(), session.shop),
  ]);
  return { shop: session.shop, health, deliveries };
};

export default function Overview() {
  const { shop, health, deliveries } = useLoaderData<typeof loader>();
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
