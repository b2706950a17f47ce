import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineGrid, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { db } from "~/db.server";
import { listLocations, updateLocationSettings } from "~/inventory/locations.server";
import { logger } from "~/observability/logger.server";
import { authenticate } from "~/shopify.server";
import { adminClientFor } from "~/shopify/admin-session.server";

// Locations: store safety stock for walk-in customers, visibility in the storefront widget, opening hours.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { locations: await listLocations(db(), session.shop) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const result = await updateLocationSettings({ db: db(), logger, adminFor: adminClientFor }, session.shop, {
    ...Object.fromEntries(form),
    storefrontVisible: form.get("storefrontVisible") ?? "false",
  });
  return result.ok ? { ok: true, message: "Saved. Any change to safety stock is being applied to every item there." } : result;
};

type LocationView = Awaited<ReturnType<typeof loader>>["locations"][number];

function LocationCard({ location }: { location: LocationView }) {
  const navigation = useNavigation();
  const [safetyStock, setSafetyStock] = useState(location.safetyStock === null ? "" : String(location.safetyStock));
  const [visible, setVisible] = useState(location.storefrontVisible);
  const [hours, setHours] = useState(location.openingHours ?? "");
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="locationId" value={location.locationId} />
        <input type="hidden" name="storefrontVisible" value={visible ? "on" : "false"} />
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">{location.name}</Text>
            <InlineStack gap="100">
              {!location.isActive && <Badge>Inactive</Badge>}
              {location.pickupTime && <Badge tone="info">Pickup</Badge>}
              {location.city && <Badge>{location.city}</Badge>}
            </InlineStack>
          </InlineStack>
          <FormLayout>
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
              <TextField
                label="Keep for walk-in customers (units of each item)"
                name="safetyStock"
                type="number"
                min={0}
                autoComplete="off"
                value={safetyStock}
                onChange={setSafetyStock}
                helpText="Held in Shopify's safety stock: no online channel can sell them. Blank: none."
              />
              <TextField label="Opening hours" name="openingHours" autoComplete="off" value={hours} onChange={setHours} placeholder="Mon–Sat 10:00–19:00" helpText="Shown to shoppers in the availability widget." />
            </InlineGrid>
            <Checkbox label="Show this location in the storefront availability widget" checked={visible} onChange={setVisible} />
            <Button submit loading={navigation.formData?.get("locationId") === location.locationId}>Save</Button>
          </FormLayout>
        </BlockStack>
      </Form>
    </Card>
  );
}

export default function Locations() {
  const { locations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <Page title="Locations" subtitle="Stock kept for walk-in customers, and what shoppers see">
      <Layout>
        {result && (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"}>
              <p>{result.message}</p>
            </Banner>
          </Layout.Section>
        )}
        {locations.length === 0 && (
          <Layout.Section>
            <Card>
              <Text as="p">No locations yet: the catalog is being read from Shopify.</Text>
            </Card>
          </Layout.Section>
        )}
        {locations.map((location) => (
          <Layout.Section key={location.locationId}>
            <LocationCard location={location} />
          </Layout.Section>
        ))}
      </Layout>
    </Page>
  );
}
