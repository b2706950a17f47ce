import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  Collapsible,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { config } from "~/config.server";
import { db } from "~/db.server";
import { authenticate } from "~/shopify.server";
import { EMAILABLE_STATUSES, type EmailableStatus } from "~/tracking/email-templates.server";
import {
  providerAccounts,
  providerFormSchema,
  removeProviderAccount,
  saveProviderForm,
  saveSettings,
  settingsForAdmin,
  settingsFormSchema,
} from "~/tracking/notification-settings.server";
import { checkSmtp, recentNotifications } from "~/tracking/notifications.server";
import { PROVIDER_NAMES, TRACKING_PROVIDERS } from "~/tracking/providers/types";
import { TRACKING_STATUS_LABELS } from "~/tracking/status";
import { trackingSecretBox } from "~/tracking/services.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const settings = config();
  const [emailSettings, providers, notifications] = await Promise.all([
    settingsForAdmin(db(), session.shop),
    providerAccounts(db(), session.shop),
    recentNotifications(db(), trackingSecretBox(), session.shop, 30),
  ]);
  return {
    settings: emailSettings,
    // The statuses a shopper can be emailed about (the list lives in a server module).
    emailableStatuses: [...EMAILABLE_STATUSES],
    providers,
    notifications,
    demo: settings.OMNISTOCK_DEMO,
    webhookBase: `${settings.SHOPIFY_APP_URL}/tracking/webhooks`,
    shop: session.shop,
  };
};

type ActionResult = { ok: true; message: string } | { ok: false; message: string; fields?: Record<string, string> };

const intentSchema = z.object({ intent: z.enum(["settings", "provider", "remove-provider", "check-smtp"]) });

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const { session } = await authenticate.admin(request);
  const data = await request.formData();
  const intent = intentSchema.safeParse({ intent: data.get("intent") });
  if (!intent.success) return { ok: false, message: "Unknown action" };
  const fields = Object.fromEntries(data);
  switch (intent.data.intent) {
    case "settings": {
      const form = settingsFormSchema.safeParse({ ...fields, statuses: data.getAll("statuses") });
      if (!form.success) {
        return { ok: false, message: "Check the highlighted fields", fields: Object.fromEntries(form.error.issues.map((i) => [String(i.path[0]), i.message])) };
      }
      await saveSettings(db(), trackingSecretBox(), session.shop, form.data);
      return { ok: true, message: "Saved." };
    }
    case "provider": {
      const form = providerFormSchema.safeParse(fields);
      if (!form.success) {
        return { ok: false, message: "Check the provider's fields", fields: Object.fromEntries(form.error.issues.map((i) => [String(i.path[0]), i.message])) };
      }
      const problem = await saveProviderForm(db(), trackingSecretBox(), session.shop, form.data);
      if (problem) return { ok: false, message: problem };
      const { webhookSecret, apiKey, pollPerHour } = form.data;
      const saved = [webhookSecret && "webhooks from the provider are accepted", (apiKey || pollPerHour !== null) && "polling settings are in effect"].filter(Boolean);
      return { ok: true, message: saved.length ? `Saved: ${saved.join("; ")}.` : "Saved." };
    }
    case "remove-provider": {
      const provider = z.enum(TRACKING_PROVIDERS).safeParse(fields.provider);
      if (!provider.success) return { ok: false, message: "Unknown provider" };
      await removeProviderAccount(db(), session.shop, provider.data);
      return { ok: true, message: "Disconnected." };
    }
    case "check-smtp": {
      const problem = await checkSmtp(db(), trackingSecretBox(), session.shop);
      return problem ? { ok: false, message: `The SMTP server refused: ${problem}` } : { ok: true, message: "The SMTP server accepted the connection and the login." };
    }
  }
};

function SettingsForm({ errors }: { errors?: Record<string, string> }) {
  const { settings, emailableStatuses } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const [statuses, setStatuses] = useState<string[]>(settings.shopperStatuses);
  const [values, setValues] = useState({
    shopperEmails: settings.shopperEmails,
    alertEmail: settings.alertEmail ?? "",
    alertOnException: settings.alertOnException,
    alertOnLate: settings.alertOnLate,
    trackingPageUrl: settings.trackingPageUrl ?? "",
    fromAddress: settings.fromAddress ?? "",
    fromName: settings.fromName ?? "",
    smtpHost: settings.smtp?.host ?? "",
    smtpPort: settings.smtp ? String(settings.smtp.port) : "",
    smtpSecure: settings.smtp?.secure ?? false,
    smtpUser: settings.smtp?.user ?? "",
    smtpPassword: "",
  });
  const set = <K extends keyof typeof values>(key: K) => (value: (typeof values)[K]) => setValues((v) => ({ ...v, [key]: value }));
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="settings" />
      {values.shopperEmails && <input type="hidden" name="shopperEmails" value="on" />}
      {values.alertOnException && <input type="hidden" name="alertOnException" value="on" />}
      {values.alertOnLate && <input type="hidden" name="alertOnLate" value="on" />}
      {values.smtpSecure && <input type="hidden" name="smtpSecure" value="on" />}
      {statuses.map((s) => (
        <input key={s} type="hidden" name="statuses" value={s} />
      ))}
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingSm">
              Emails to shoppers
            </Text>
            <Checkbox label="Email shoppers when their parcel's status changes" checked={values.shopperEmails} onChange={set("shopperEmails")} />
            <BlockStack gap="100">
              {emailableStatuses.map((status) => (
                <Checkbox
                  key={status}
                  label={TRACKING_STATUS_LABELS[status]}
                  disabled={!values.shopperEmails}
                  checked={statuses.includes(status)}
                  onChange={(checked) => setStatuses((list) => (checked ? [...list, status] : list.filter((s) => s !== status)))}
                />
              ))}
            </BlockStack>
            <TextField
              label="Your tracking page"
              name="trackingPageUrl"
              value={values.trackingPageUrl}
              onChange={set("trackingPageUrl")}
              placeholder="https://your-shop.com/pages/track"
              helpText="The storefront page with the tracking block. Emails link to it; without it they link to the carrier."
              error={errors?.trackingPageUrl}
              autoComplete="off"
            />
            <Text as="p" tone="subdued">
              Emails are written in the order's language (English, French, German, Spanish, Russian, Japanese or Simplified Chinese; English otherwise).
            </Text>
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingSm">
              Alerts for you
            </Text>
            <TextField label="Alert email" name="alertEmail" type="email" value={values.alertEmail} onChange={set("alertEmail")} error={errors?.alertEmail} autoComplete="email" helpText="Leave empty for no alerts." />
            <Checkbox label="When a parcel has a delivery problem" checked={values.alertOnException} onChange={set("alertOnException")} />
            <Checkbox label="When a parcel is late or has had no carrier update for days" checked={values.alertOnLate} onChange={set("alertOnLate")} />
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingSm">
              Sending
            </Text>
            <FormLayout>
              <FormLayout.Group>
                <TextField label="From address" name="fromAddress" type="email" value={values.fromAddress} onChange={set("fromAddress")} error={errors?.fromAddress} autoComplete="off" />
                <TextField label="From name" name="fromName" value={values.fromName} onChange={set("fromName")} autoComplete="off" helpText="Your shop's name when empty." />
              </FormLayout.Group>
              <FormLayout.Group>
                <TextField label="SMTP server" name="smtpHost" value={values.smtpHost} onChange={set("smtpHost")} error={errors?.smtpHost} placeholder="smtp.example.com" autoComplete="off" />
                <TextField label="Port" name="smtpPort" type="number" value={values.smtpPort} onChange={set("smtpPort")} error={errors?.smtpPort} placeholder="587" autoComplete="off" />
              </FormLayout.Group>
              <Checkbox label="Use TLS from the start (port 465)" checked={values.smtpSecure} onChange={set("smtpSecure")} />
              <FormLayout.Group>
                <TextField label="User name" name="smtpUser" value={values.smtpUser} onChange={set("smtpUser")} autoComplete="off" />
                <TextField
                  label="Password"
                  name="smtpPassword"
                  type="password"
                  value={values.smtpPassword}
                  onChange={set("smtpPassword")}
                  autoComplete="new-password"
                  helpText={settings.smtp?.hasPassword ? "Stored encrypted. Leave empty to keep it." : undefined}
                />
              </FormLayout.Group>
            </FormLayout>
            <InlineStack gap="200">
              <Button submit variant="primary" loading={navigation.state === "submitting" && navigation.formData?.get("intent") === "settings"}>
                Save
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      </BlockStack>
    </Form>
  );
}

function Providers({ errors }: { errors?: Record<string, string> }) {
  const { providers, webhookBase, shop } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const [provider, setProvider] = useState<string>("aftership");
  const stored = providers.find((p) => p.provider === provider);
  const [secret, setSecret] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [perHour, setPerHour] = useState<string>("");
  const choose = (value: string) => {
    setProvider(value);
    setSecret("");
    setApiKey("");
    setPerHour("");
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingSm">
          Tracking providers
        </Text>
        <Text as="p" tone="subdued">
          Connect AfterShip, 17TRACK or EasyPost for carrier events Shopify does not get. Either way works, or both: the provider pushes updates to the
          webhook address below (paste its webhook secret), or Omnistock asks it for parcels that have had no news (paste its API key and the polls per
          hour your plan with the provider allows; each tracking number asked counts as one poll).
        </Text>
        {providers.map((p) => (
          <Box key={p.provider} borderBlockStartWidth="025" borderColor="border" paddingBlockStart="200">
            <InlineStack align="space-between" blockAlign="start" gap="200">
              <BlockStack gap="050">
                <Text as="p" fontWeight="semibold">
                  {PROVIDER_NAMES[p.provider]}
                </Text>
                <Text as="p" tone="subdued" breakWord>
                  {p.webhooks ? `Webhooks: ${webhookBase}/${p.provider}?shop=${shop}` : "Webhooks: not set up (no webhook secret)"}
                </Text>
                <Text as="p" tone="subdued">
                  {p.hasApiKey && p.pollPerHour > 0
                    ? `Polling: ${p.pollUsedThisHour} of ${p.pollPerHour} polls used this hour`
                    : p.hasApiKey
                    ? "Polling: off (0 polls per hour)"
                    : "Polling: off (no API key)"}
                </Text>
                {p.awaitingTracking > 0 && (
                  <Text as="p" tone="caution">
                    {`${PROVIDER_NAMES[p.provider]} has no tracking yet for ${p.awaitingTracking === 1 ? "1 parcel" : `${p.awaitingTracking} parcels`} Omnistock asked about. ` +
                      `Omnistock registers new tracking numbers with ${PROVIDER_NAMES[p.provider]}; they show once the carrier scans them. If this number keeps growing, check the carrier and tracking number of recent orders in Shopify.`}
                  </Text>
                )}
                {p.pollError && (
                  <Text as="p" tone="critical">
                    {p.pollError}
                  </Text>
                )}
              </BlockStack>
              <Form method="post">
                <input type="hidden" name="intent" value="remove-provider" />
                <input type="hidden" name="provider" value={p.provider} />
                <Button submit tone="critical" variant="plain">
                  Disconnect
                </Button>
              </Form>
            </InlineStack>
          </Box>
        ))}
        <Form method="post">
          <input type="hidden" name="intent" value="provider" />
          <input type="hidden" name="provider" value={provider} />
          <FormLayout>
            <Select label="Provider" options={TRACKING_PROVIDERS.map((p) => ({ label: PROVIDER_NAMES[p], value: p }))} value={provider} onChange={choose} />
            <TextField
              label="Webhook secret (for webhooks)"
              name="webhookSecret"
              type="password"
              value={secret}
              onChange={setSecret}
              error={errors?.webhookSecret}
              autoComplete="off"
              helpText={`${stored?.webhooks ? "Stored encrypted; leave empty to keep it. " : ""}Webhook address: ${webhookBase}/${provider}?shop=${shop}`}
            />
            <FormLayout.Group>
              <TextField
                label="API key (for polling)"
                name="apiKey"
                type="password"
                value={apiKey}
                onChange={setApiKey}
                error={errors?.apiKey}
                autoComplete="off"
                helpText={stored?.hasApiKey ? "Stored encrypted; leave empty to keep it." : "Only needed to poll."}
              />
              <TextField
                label="Polls per hour"
                name="pollPerHour"
                type="number"
                min={0}
                max={100000}
                value={perHour}
                onChange={setPerHour}
                error={errors?.pollPerHour}
                placeholder={String(stored?.pollPerHour ?? 0)}
                autoComplete="off"
                helpText="Your plan's limit with the provider. 0 turns polling off; leave empty to keep the current value."
              />
            </FormLayout.Group>
            <Button submit loading={navigation.state === "submitting" && navigation.formData?.get("intent") === "provider"}>
              {stored ? "Save" : "Connect"}
            </Button>
          </FormLayout>
        </Form>
      </BlockStack>
    </Card>
  );
}

function Outbox() {
  const { notifications, demo } = useLoaderData<typeof loader>();
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingSm">
          {demo ? "Captured emails (demo: nothing is sent)" : "Recent emails"}
        </Text>
        {notifications.length === 0 && (
          <Text as="p" tone="subdued">
            No tracking emails yet.
          </Text>
        )}
        {notifications.map((n) => (
          <Box key={n.id} borderBlockStartWidth="025" borderColor="border" paddingBlockStart="200">
            <BlockStack gap="100">
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <BlockStack gap="050">
                  <Text as="p" fontWeight="semibold">
                    {n.subject}
                  </Text>
                  <Text as="p" tone="subdued">
                    {`${n.kind === "merchant" ? "Alert" : "Shopper"} · ${n.locale} · to ${n.recipient ?? "(read from the order when sent)"} · ${new Date(n.sentAt ?? n.createdAt).toLocaleString()}`}
                  </Text>
                </BlockStack>
                <InlineStack gap="200" blockAlign="center">
                  <Badge tone={n.status === "sent" ? "success" : n.status === "failed" ? "critical" : n.status === "skipped" ? "warning" : undefined}>
                    {n.status === "sent" && n.transport === "capture" ? "captured" : n.status}
                  </Badge>
                  <Button variant="plain" onClick={() => setOpen(open === n.id ? null : n.id)}>
                    {open === n.id ? "Hide" : "View"}
                  </Button>
                </InlineStack>
              </InlineStack>
              {n.lastError && n.status !== "sent" && <Text as="p" tone="critical">{n.lastError}</Text>}
              <Collapsible open={open === n.id} id={`notification-${n.id}`}>
                <BlockStack gap="200">
                  {/* Sandboxed: the email's HTML cannot run scripts or reach the app. */}
                  <iframe title={n.subject} sandbox="" srcDoc={n.htmlBody} style={{ width: "100%", height: 360, border: "1px solid var(--p-color-border)", borderRadius: 8 }} />
                  <pre style={{ whiteSpace: "pre-wrap", margin: 0 }}>{n.textBody}</pre>
                </BlockStack>
              </Collapsible>
            </BlockStack>
          </Box>
        ))}
      </BlockStack>
    </Card>
  );
}

export default function Notifications() {
  const result = useActionData<typeof action>();
  const { demo, settings } = useLoaderData<typeof loader>();
  return (
    <Page title="Notifications" subtitle="Tracking emails to shoppers, alerts for you, and tracking providers">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result && <Banner tone={result.ok ? "success" : "critical"}>{result.message}</Banner>}
            {demo && <Banner tone="info">Demo mode: emails are captured below instead of being sent.</Banner>}
            <SettingsForm errors={result && !result.ok ? result.fields : undefined} />
            {settings.smtp && (
              <Form method="post">
                <input type="hidden" name="intent" value="check-smtp" />
                <Button submit>Check the SMTP server</Button>
              </Form>
            )}
            <Providers errors={result && !result.ok ? result.fields : undefined} />
            <Outbox />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
