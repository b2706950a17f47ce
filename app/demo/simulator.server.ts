import { z } from "zod";
import { config } from "../config.server";

// Demo mode only: the admin's switch for the dev store's sale simulator. The simulator itself lives in the
// dev store (devstore/simulator.ts); the app only asks it to start or stop.

const statusSchema = z.object({
  running: z.boolean(),
  ordersPerMinute: z.number(),
  placed: z.number(),
  refused: z.number(),
  lastOrder: z.object({ shop: z.string(), name: z.string(), channel: z.string() }).nullable(),
});
export type SimulatorStatus = z.infer<typeof statusSchema>;

export const simulatorForm = z.object({
  running: z.enum(["on", "off"]).transform((value) => value === "on"),
  ordersPerMinute: z.coerce.number().int().min(1, "At least 1 order a minute").max(600, "At most 600 orders a minute"),
});

function controlUrl(): string | null {
  const settings = config();
  return settings.OMNISTOCK_DEMO && settings.SHOPIFY_ADMIN_API_ORIGIN ? `${settings.SHOPIFY_ADMIN_API_ORIGIN}/_devstore/simulator` : null;
}

export function demoMode(): boolean {
  return controlUrl() !== null;
}

/** The simulator's state, or null outside demo mode or when the dev store does not answer. */
export async function simulatorStatus(): Promise<SimulatorStatus | null> {
  const url = controlUrl();
  if (!url) return null;
  try {
    return statusSchema.parse(await (await fetch(url)).json());
  } catch {
    return null;
  }
}

export async function setSimulator(settings: { running: boolean; ordersPerMinute: number }): Promise<SimulatorStatus> {
  const url = controlUrl();
  if (!url) throw new Response("The sale simulator exists only in demo mode", { status: 404 });
  const response = await fetch(url, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(settings),
  });
  return statusSchema.parse(await response.json());
}
