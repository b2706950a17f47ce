import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { config } from "~/config.server";
import { authenticate } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const settings = config();
  return {
    apiKey: settings.SHOPIFY_API_KEY,
    // Demo mode only: the local dev store stands in for App Bridge (session tokens for data requests).
    appBridgeShim:
      settings.OMNISTOCK_DEMO && settings.SHOPIFY_ADMIN_API_ORIGIN ? `${settings.SHOPIFY_ADMIN_API_ORIGIN}/app-bridge-shim.js` : null,
  };
};

export default function AdminLayout() {
  const { apiKey, appBridgeShim } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      {appBridgeShim && <script src={appBridgeShim} />}
      <NavMenu>
        <Link to="/app" rel="home">
          Overview
        </Link>
        <Link to="/app/inventory">Inventory</Link>
        <Link to="/app/channels">Channels</Link>
        <Link to="/app/mapping">SKU mapping</Link>
        <Link to="/app/locations">Locations</Link>
        <Link to="/app/sync">Sync activity</Link>
        <Link to="/app/storefront">Storefront widgets</Link>
        <Link to="/app/shipments">Shipments</Link>
        <Link to="/app/notifications">Notifications</Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so that their headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
