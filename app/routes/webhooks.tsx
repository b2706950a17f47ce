import type { ActionFunctionArgs } from "@remix-run/node";
import { webhookIntakeDeps } from "~/services.server";
import { receiveWebhook } from "~/webhooks/intake.server";

// Every topic, compliance topics included, is delivered here (see shopify.app.toml).
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, webhookIntakeDeps());

export const loader = () => new Response(null, { status: 405, headers: { Allow: "POST" } });
