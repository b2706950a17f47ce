import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// The benchmark harness: what a benchmark module exports, how results are printed and where they are kept.
// Benchmarks report; they never fail the run. A missed target is printed as MISSED and recorded as ok: false.

export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "<= 50" or ">= 1000". */
  target?: string;
  ok?: boolean;
  /** Why a value is what it is, or why it is missing. */
  note?: string;
  /** The measurement could not be made here (e.g. no PostgreSQL server): neither met nor missed. */
  skipped?: boolean;
}

export interface BenchmarkModule {
  name: string;
  description: string;
  run(): Promise<Metric[]>;
}

export interface BenchmarkResult {
  benchmark: string;
  description: string;
  date: string;
  machine: Machine;
  metrics: Metric[];
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the benchmark started: other work on the machine skews results. */
  loadAverage: number;
}

export const benchDirectory = import.meta.dirname;
export const projectRoot = path.resolve(benchDirectory, "..");
export const resultsDirectory = path.join(benchDirectory, "results");

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.platform()}/${os.arch()})`,
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

/** Metric helpers: `atLeast` / `atMost` fill in target and ok from the value. */
export function atLeast(name: string, value: number, unit: string, min: number): Metric {
  return { name, value, unit, target: `>= ${min}`, ok: value >= min };
}

export function atMost(name: string, value: number, unit: string, max: number): Metric {
  return { name, value, unit, target: `<= ${max}`, ok: value <= max };
}

/** The p-th percentile (0..100) of samples, nearest-rank; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return value.toLocaleString("en-US", { maximumFractionDigits: Math.abs(value) < 10 ? 2 : 1 });
}

/** One aligned table: metric, value, unit, target, ok. */
export function formatTable(result: BenchmarkResult): string {
  const header = ["metric", "value", "unit", "target", "ok"];
  const rows = result.metrics.map((m) => [
    m.name,
    formatValue(m.value),
    m.unit,
    m.target ?? "",
    m.skipped ? "SKIPPED" : m.ok === undefined ? "" : m.ok ? "ok" : "MISSED",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  // Numbers right-aligned, text left-aligned.
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  const out = [
    `== ${result.benchmark}: ${result.description}`,
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
  ];
  for (const m of result.metrics) if (m.note) out.push(`  note: ${m.name}: ${m.note}`);
  const missed = result.metrics.filter((m) => m.ok === false);
  const skipped = result.metrics.filter((m) => m.skipped);
  out.push(
    (missed.length ? `MISSED ${missed.length} target(s): ${missed.map((m) => m.name).join(", ")}` : "all targets met") +
      (skipped.length ? `; SKIPPED: ${skipped.map((m) => m.name).join(", ")}` : ""),
  );
  return out.join("\n");
}

/** Writes bench/results/<benchmark>.json atomically (results are committed, so no half-written files). */
export function writeResult(result: BenchmarkResult): string {
  mkdirSync(resultsDirectory, { recursive: true });
  const file = path.join(resultsDirectory, `${result.benchmark}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}
