// `npm run bench [-- name ...]`: runs every bench/*.bench.ts (or only the named ones), prints a table per
// benchmark and writes bench/results/<name>.json. Always exits 0 when the benchmarks ran: missed targets are
// reported (MISSED), not enforced; only a benchmark that could not run at all sets a non-zero exit code.
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { benchDirectory, formatTable, machine, writeResult, type BenchmarkModule } from "./harness";

function isBenchmarkModule(value: unknown): value is BenchmarkModule {
  const candidate = value as Partial<BenchmarkModule> | null;
  return typeof candidate?.name === "string" && typeof candidate.run === "function";
}

async function main() {
  const wanted = process.argv.slice(2).map((arg) => arg.replace(/\.bench\.ts$/, ""));
  const available = readdirSync(benchDirectory)
    .filter((file) => file.endsWith(".bench.ts"))
    .map((file) => file.slice(0, -".bench.ts".length))
    .sort();
  const unknown = wanted.filter((name) => !available.includes(name));
  if (unknown.length) {
    console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Available: ${available.join(", ")}`);
    process.exit(2);
  }
  const selected = wanted.length ? available.filter((name) => wanted.includes(name)) : available;

  let failures = 0;
  for (const file of selected) {
    const module: unknown = await import(pathToFileURL(path.join(benchDirectory, `${file}.bench.ts`)).href);
    if (!isBenchmarkModule(module)) {
      console.error(`bench/${file}.bench.ts must export name, description and run()`);
      failures += 1;
      continue;
    }
    console.error(`Running ${module.name}: ${module.description}`);
    const started = Date.now();
    const date = new Date().toISOString();
    const host = machine(); // before the run, so the load average shows other work, not this benchmark
    try {
      const metrics = await module.run();
      const result = { benchmark: module.name, description: module.description, date, machine: host, metrics };
      const written = writeResult(result);
      console.log(`\n${formatTable(result)}`);
      console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s; written to ${path.relative(process.cwd(), written)})`);
    } catch (error) {
      failures += 1;
      console.error(`Benchmark ${module.name} could not run:`, error instanceof Error ? (error.stack ?? error.message) : error);
    }
  }
  process.exitCode = failures ? 1 : 0;
}

await main();
