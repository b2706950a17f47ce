import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, InlineGrid, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { channelOf, listChannels, updateChannelRule } from "~/channels/channels.server";
import { createConnectionCode, LinkError, linkAndMatch } from "~/channels/linking.server";
import { syncShopifyStoreListings } from "~/channels/listings.server";
import { db } from "~/db.server";
import { channelRuleSchema } from "~/inventory/allocation";
import { authenticate } from "~/shopify.server";
import { adminClientFor } from "~/shopify/admin-session.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { channels: await listChannels(db(), session.shop) };
};

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create-code") }),
  z.object({ intent: z.literal("link"), code: z.string().trim().min(4, "Enter the code the other store shows") }),
  z.object({ intent: z.literal("match"), channelId: z.string().min(1) }),
  z.object({
    intent: z.literal("rule"),
    channelId: z.string().min(1),
    reserve: z.string(),
    percentage: z.string(),
    min: z.string(),
    max: z.string(),
    zeroOutAt: z.string(),
  }),
]);

type ActionResult = { ok: true; message: string; code?: string } | { ok: false; message: string; fields?: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const { session } = await authenticate.admin(request);
  const form = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return { ok: false, message: form.error.issues[0]?.message ?? "The form is not valid" };
  const input = form.data;
  switch (input.intent) {
    case "create-code": {
      const { code, expiresAt } = await createConnectionCode(db(), session.shop);
      return { ok: true, code, message: `Enter this code in Omnistock in the other store before ${expiresAt.toUTCString()}.` };
    }
    case "link": {
      try {
        const result = await linkAndMatch(db(), input.code, session.shop, adminClientFor);
        return { ok: true, message: `Linked. ${result.matched} items matched by SKU; ${result.conflicts} need your decision on the SKU mapping page.` };
      } catch (error) {
        if (error instanceof LinkError) return { ok: false, message: error.message };
        throw error;
      }
    }
    case "match": {
      const channel = await channelOf(db(), session.shop, input.channelId);
      if (!channel) return { ok: false, message: "That channel does not belong to this store" };
      const result = await syncShopifyStoreListings(db(), channel);
      return { ok: true, message: `${result.matched} items matched; ${result.conflicts} need your decision.` };
    }
    case "rule": {
      const rule = channelRuleSchema.safeParse(input);
      if (!rule.success) {
        return { ok: false, message: "Check the highlighted fields", fields: Object.fromEntries(rule.error.issues.map((i) => [String(i.path[0]), i.message])) };
      }
      if (!(await updateChannelRule(db(), session.shop, input.channelId, rule.data))) {
        return { ok: false, message: "That channel does not belong to this store" };
      }
      return { ok: true, message: "Saved. The channel's quantities are being updated." };
    }
  }
};

type ChannelView = Awaited<ReturnType<typeof loader>>["channels"][number];

function RuleForm({ channel, errors }: { channel: ChannelView; errors?: Record<string, string> }) {
  const [values, setValues] = useState({
    reserve: String(channel.rule.reserve),
    percentage: String(channel.rule.percentage),
    min: channel.rule.min === null ? "" : String(channel.rule.min),
    max: channel.rule.max === null ? "" : String(channel.rule.max),
    zeroOutAt: String(channel.rule.zeroOutAt),
  });
  const field = (name: keyof typeof values, label: string, help: string) => (
    <TextField
      label={label}
      name={name}
      type="number"
      autoComplete="off"
      helpText={help}
      value={values[name]}
      error={errors?.[name]}
      onChange={(value) => setValues((v) => ({ ...v, [name]: value }))}
    />
  );
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="rule" />
      <input type="hidden" name="channelId" value={channel.id} />
      <FormLayout>
        <InlineGrid columns={{ xs: 1, md: 5 }} gap="300">
          {field("percentage", "Share of stock (%)", "Offer this share of what is available")}
          {field("reserve", "Keep back", "Units never offered here")}
          {field("zeroOutAt", "Show 0 at or below", "Stop selling when stock is this low")}
          {field("min", "At least", "Optional; never more than exists")}
          {field("max", "At most", "Optional")}
        </InlineGrid>
        <Button submit>Save rules</Button>
      </FormLayout>
    </Form>
  );
}

export default function Channels() {
  const { channels } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [code, setCode] = useState("");
  return (
    <Page title="Channels" subtitle="The other places you sell, and how much each may sell">
      <Layout>
        {result && (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"} title={result.ok && result.code ? `Connection code: ${result.code}` : undefined}>
              <p>{result.message}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingSm">Link another store to this one</Text>
                <Text as="p" tone="subdued">
                  Create a code here, then enter it in Omnistock in the other store. Its sales will take stock from this store at once.
                </Text>
                <Form method="post">
                  <input type="hidden" name="intent" value="create-code" />
                  <Button submit loading={navigation.formData?.get("intent") === "create-code"}>Create a connection code</Button>
                </Form>
              </BlockStack>
            </Card>
            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="link" />
                <FormLayout>
                  <Text as="h2" variant="headingSm">Sell this store's stock from another store</Text>
                  <TextField label="Connection code" name="code" autoComplete="off" value={code} onChange={setCode} placeholder="ABCD-EFGH-JKLM" />
                  <Button submit variant="primary" loading={navigation.formData?.get("intent") === "link"}>Link</Button>
                </FormLayout>
              </Form>
            </Card>
          </InlineGrid>
        </Layout.Section>
        {channels.length === 0 ? (
          <Layout.Section>
            <Card>
              <Text as="p">No channels yet. Link a store above; marketplaces follow.</Text>
            </Card>
          </Layout.Section>
        ) : (
          channels.map((channel) => (
            <Layout.Section key={channel.id}>
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">{channel.name}</Text>
                    <Text as="span" tone="subdued">{`${channel.matched} of ${channel.listings} listings matched`}</Text>
                  </InlineStack>
                  <RuleForm channel={channel} errors={result && !result.ok ? result.fields : undefined} />
                  <Form method="post">
                    <input type="hidden" name="intent" value="match" />
                    <input type="hidden" name="channelId" value={channel.id} />
                    <Button submit variant="plain">Match items again</Button>
                  </Form>
                </BlockStack>
              </Card>
            </Layout.Section>
          ))
        )}
      </Layout>
    </Page>
  );
}
