// `npm run demo:sales -- on [orders per minute]` / `npm run demo:sales -- off` / `npm run demo:sales`:
// controls the demo's sale simulator, which places orders on every channel of the dev store.
import { readFileSync } from "node:fs";
import { projectPath } from "../app/db/url";

const [command = "status", rate] = process.argv.slice(2);
const demo = JSON.parse(readFileSync(projectPath(".omnistock", "demo.json"), "utf8")) as { controlApi: string };
const body =
  command === "on"
    ? { running: true, ...(rate ? { ordersPerMinute: Number(rate) } : {}) }
    : command === "off"
      ? { running: false }
      : null;
const response = await fetch(`${demo.controlApi}/simulator`, {
  method: body ? "PUT" : "GET",
  headers: { "Content-Type": "application/json" },
  ...(body ? { body: JSON.stringify(body) } : {}),
});
const status = (await response.json()) as { running: boolean; ordersPerMinute: number; placed: number; refused: number };
console.log(
  `Sale simulator ${status.running ? `on at ${status.ordersPerMinute} orders/minute` : "off"}: ${status.placed} orders placed, ${status.refused} refused (out of stock).`,
);
