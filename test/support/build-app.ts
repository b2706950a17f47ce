import { spawnSync } from "node:child_process";
import path from "node:path";

// Browser tests run against the production build, so the build happens once before them.
export default function buildApp() {
  const root = path.resolve(import.meta.dirname, "../..");
  const result = spawnSync(path.join(root, "node_modules", ".bin", "remix"), ["vite:build"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`The app build failed:\n${result.stderr || result.stdout}`);
}
