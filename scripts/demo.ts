// `npm run demo`: builds Omnistock and starts it on localhost with SQLite, with local-only settings that are
// generated once into .omnistock/demo.env (git-ignored). Nothing here is used in production.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { projectPath } from "../app/db/url";

const DEMO_DIR = projectPath(".omnistock");
const ENV_FILE = projectPath(".omnistock", "demo.env");
const PORT = Number(process.env.PORT ?? 3000);

function demoEnv(): Record<string, string> {
  if (!existsSync(ENV_FILE)) {
    mkdirSync(DEMO_DIR, { recursive: true });
    const settings = {
      SHOPIFY_API_KEY: `demo-${randomBytes(8).toString("hex")}`,
      SHOPIFY_API_SECRET: randomBytes(24).toString("hex"),
      OMNISTOCK_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    };
    writeFileSync(ENV_FILE, Object.entries(settings).map(([k, v]) => `${k}=${v}`).join("\n") + "\n", { mode: 0o600 });
  }
  const env = Object.fromEntries(
    readFileSync(ENV_FILE, "utf8")
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  return {
    ...env,
    SHOPIFY_APP_URL: `http://127.0.0.1:${PORT}`,
    HOST: "127.0.0.1",
    PORT: String(PORT),
    DATABASE_URL: `file:${projectPath(".omnistock", "demo.sqlite")}`,
    OMNISTOCK_DEMO: "true",
    NODE_ENV: "production",
  };
}

const env = { ...process.env, ...demoEnv() };
console.log("Building Omnistock...");
const build = spawnSync(projectPath("node_modules", ".bin", "remix"), ["vite:build"], { stdio: "inherit", env });
if (build.status !== 0) process.exit(build.status ?? 1);

const app = spawn(projectPath("node_modules", ".bin", "tsx"), [projectPath("server", "main.ts")], {
  stdio: "inherit",
  env,
});
console.log(`\nOmnistock demo: http://127.0.0.1:${PORT}  (health: http://127.0.0.1:${PORT}/healthz)\n`);
const stop = () => app.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
app.on("exit", (code) => process.exit(code ?? 0));
