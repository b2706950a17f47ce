// Lighthouse runs of the storefront-availability benchmark: the performance category only, Lighthouse's
// default (mobile) settings with simulated throttling, each run in a fresh headless Chromium. The pages come
// from storefront-availability-stores.ts, in its own process.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface LighthouseRun {
  /** 0..100 */
  score: number;
  /** Cumulative layout shift (unitless). */
  cls: number;
  /** Total blocking time, ms. */
  tbt: number;
  /** Largest contentful paint, ms (simulated). */
  lcp: number;
  /** First contentful paint, ms (simulated). */
  fcp: number;
  /** Requests the page made. */
  requests: number;
  /** Statuses of the widget's /apps/omnistock/availability requests (none without the block). */
  availabilityStatuses: number[];
  warnings: string[];
}

interface NetworkItem {
  url?: string;
  statusCode?: number;
}

const numeric = (audits: Record<string, { numericValue?: number } | undefined>, id: string) => audits[id]?.numericValue ?? Number.NaN;

/** One Lighthouse run of `url` in a Chromium of its own. */
export async function lighthouseRun(url: string): Promise<LighthouseRun> {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    logLevel: "silent",
  });
  try {
    const result = await lighthouse(url, { port: chrome.port, onlyCategories: ["performance"], logLevel: "error", output: "json" });
    if (!result) throw new Error("Lighthouse returned no result");
    const { lhr } = result;
    if (lhr.runtimeError) throw new Error(`Lighthouse runtime error ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    const score = lhr.categories.performance?.score;
    if (score === null || score === undefined) throw new Error(`Lighthouse gave no performance score (${lhr.runWarnings.join("; ")})`);
    const audits = lhr.audits as Record<string, { numericValue?: number; details?: { items?: NetworkItem[] } } | undefined>;
    const network = audits["network-requests"]?.details?.items ?? [];
    return {
      score: Math.round(score * 100),
      cls: numeric(audits, "cumulative-layout-shift"),
      tbt: numeric(audits, "total-blocking-time"),
      lcp: numeric(audits, "largest-contentful-paint"),
      fcp: numeric(audits, "first-contentful-paint"),
      requests: network.length,
      availabilityStatuses: network.filter((item) => item.url?.includes("/availability?")).map((item) => item.statusCode ?? 0),
      warnings: lhr.runWarnings,
    };
  } finally {
    chrome.kill();
  }
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
