import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveProviderWebhook } from "~/tracking/provider-webhooks.server";
import { providerWebhookDeps } from "~/tracking/services.server";

// POST /tracking/webhooks/:provider?shop=<shop>: AfterShip, 17TRACK or EasyPost pushing parcel updates.
export const action = ({ request, params }: ActionFunctionArgs) => receiveProviderWebhook(request, params.provider, providerWebhookDeps());

export const loader = () => new Response(null, { status: 405, headers: { Allow: "POST" } });
