import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { proxyDeps } from "~/services.server";
import { proxyRouter } from "~/storefront-proxy/routes.server";

// Storefront /apps/omnistock/* arrives here as /proxy/*. The router verifies Shopify's signature first.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  proxyRouter.handle(request, params["*"] ?? "", proxyDeps());

export const action = ({ request, params }: ActionFunctionArgs) =>
  proxyRouter.handle(request, params["*"] ?? "", proxyDeps());
