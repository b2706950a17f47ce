import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, InlineGrid, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { z } from "zod";
import { db } from "~/db.server";
import { logger } from "~/observability/logger.server";
import { authenticate } from "~/shopify.server";
import { adminClientFor } from "~/shopify/admin-session.server";
import { retryFailedPushes, syncActivity } from "~/sync/activity.server";
import { reconcileShop } from "~/sync/reconcile.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return syncActivity(db(), session.shop);
};

const actionSchema = z.discriminatedUnion("intent", [z.object({ intent: z.literal("retry") }), z.object({ intent: z.literal("reconcile") })]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return Response.json({ error: "Unknown action" }, { status: 400 });
  if (form.data.intent === "retry") return { retried: await retryFailedPushes(db(), session.shop) };
  // Runs in the background; the page shows its progress from the run's record.
  void reconcileShop({ db: db(), logger, adminFor: adminClientFor }, session.shop, "merchant");
  return { started: true };
};

export default function SyncActivity() {
  const activity = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const running = activity.reconciliation?.status === "running";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.revalidate(), 1500);
    return () => clearInterval(timer);
  }, [running, revalidator]);
  const run = activity.reconciliation;
  return (
    <Page title="Sync activity">
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingSm">Waiting to reach channels</Text>
                <Text as="p" variant="headingLg">{activity.pushesWaiting}</Text>
                <Text as="p" tone="subdued">{activity.lastPushAt ? `Last update sent ${new Date(activity.lastPushAt).toLocaleString()}` : "Nothing sent yet"}</Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingSm">Items to re-read from Shopify</Text>
                <Text as="p" variant="headingLg">{activity.itemsToReread}</Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingSm">Failed updates</Text>
                <Text as="p" variant="headingLg">{activity.pushesFailed}</Text>
                {activity.pushesFailed > 0 ? <Badge tone="critical">Needs attention</Badge> : <Badge tone="success">None</Badge>}
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingSm">Reconciliation</Text>
              <Text as="p" tone="subdued">
                A full comparison with Shopify that catches anything a lost webhook hid. It runs on its own every few hours.
              </Text>
              {run && (
                <BlockStack gap="200">
                  <Text as="p">
                    {run.status === "running"
                      ? `Reading your catalog: ${run.itemsRead} of ${run.itemsTotal} items`
                      : run.status === "failed"
                        ? `The last run failed: ${run.error}`
                        : run.trigger === "install"
                          ? `Catalog read when Omnistock was installed (${new Date(run.finishedAt ?? run.startedAt).toLocaleString()}): ${run.itemsRead} items, ${run.changes} quantities recorded.`
                          : `Last run (${run.trigger === "merchant" ? "you asked" : "scheduled"}) ${new Date(run.finishedAt ?? run.startedAt).toLocaleString()}: ${run.itemsRead} items read, ${run.changes} differences repaired, ${run.salesFound} missed sales applied.`}
                  </Text>
                  {running && <ProgressBar progress={run.itemsTotal ? Math.round((run.itemsRead / run.itemsTotal) * 100) : 0} size="small" />}
                </BlockStack>
              )}
              <Form method="post">
                <input type="hidden" name="intent" value="reconcile" />
                <Button submit disabled={running}>Reconcile now</Button>
              </Form>
            </BlockStack>
          </Card>
        </Layout.Section>
        {activity.failures.length > 0 && (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingSm">Updates that failed</Text>
                <DataTable
                  columnContentTypes={["text", "text", "numeric"]}
                  headings={["SKU", "What went wrong", "Attempts"]}
                  rows={activity.failures.map((f) => [f.sku ?? "", f.error ?? "", f.attempts])}
                />
                <Form method="post">
                  <input type="hidden" name="intent" value="retry" />
                  <Button submit>Retry all</Button>
                </Form>
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
