// benchmarks.png: the p50 ratios as grouped horizontal bars, drawn as an SVG here and rasterised
// by the Chromium the admin test already uses, so no charting dependency is needed.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { baselineOf, type TargetResult } from "./report";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
// Enough for every target at two latencies (2 files + 4 remote kinds × 2), so no two bars share a colour.
const COLORS = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#9d755d", "#bab0ac", "#eeca3b", "#ff9da6", "#2f4b7c", "#8c564b"];

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Groups are the boots and the operations; inside each, one bar per target, p50 (or boot time) / baseline. */
export function chartSvg(results: TargetResult[]): string {
  const base = results.find((r) => r.baseline);
  const ok = results.filter((r) => !r.error);
  if (!base || ok.length === 0) return "";
  const boot = (ms: (r: TargetResult) => number | undefined) => (r: TargetResult) => {
    const [value, baseValue] = [ms(r), ms(base)];
    return value === undefined || !baseValue ? 0 : value / baseValue;
  };
  const groups: { name: string; ratio: (r: TargetResult) => number }[] = [
    { name: "cold boot", ratio: boot((r) => r.coldBootMs) },
    { name: "warm boot", ratio: boot((r) => r.warmBootMs) },
    ...base.operations.map((baseOp) => ({
      name: `${baseOp.name} (p50)`,
      // The same ratio as the table's p50 ×: against the baseline timed beside the target.
      ratio: (r: TargetResult) => {
        const op = r.operations.find((o) => o.name === baseOp.name);
        const against = op && baselineOf(op, base);
        return op && against?.p50Ms ? op.p50Ms / against.p50Ms : 0;
      },
    })),
  ];
  const ratios = groups.map((g) => ok.map(g.ratio));
  const max = Math.max(1, ...ratios.flat());
  const bar = 14, gap = 2, groupGap = 18, left = 200, plot = 560, top = 40;
  const legendHeight = ok.length * 18 + 10;
  const height = top + groups.length * (ok.length * (bar + gap) + groupGap) + legendHeight;
  const width = left + plot + 80;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">Strapi on libSQL, a replica and Postgres: time relative to ${escape(base.target)} (1× = same, lower is better)</text>`,
  ];
  let y = top;
  groups.forEach((group, gi) => {
    parts.push(`<text x="${left - 8}" y="${y + 12}" text-anchor="end" font-weight="bold">${escape(group.name)}</text>`);
    ok.forEach((_, ti) => {
      const r = ratios[gi]![ti]!;
      const w = (r / max) * plot;
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${COLORS[ti % COLORS.length]}"/>`);
      parts.push(`<text x="${left + w + 4}" y="${y + 11}">${r.toFixed(2)}×</text>`);
      y += bar + gap;
    });
    y += groupGap;
  });
  const one = left + (1 / max) * plot;
  parts.push(`<line x1="${one}" y1="${top - 4}" x2="${one}" y2="${y - groupGap}" stroke="#333" stroke-dasharray="3,3"/>`);
  ok.forEach((r, ti) => {
    parts.push(`<rect x="${left}" y="${y + ti * 18}" width="12" height="12" fill="${COLORS[ti % COLORS.length]}"/>`);
    parts.push(`<text x="${left + 18}" y="${y + ti * 18 + 10}">${escape(r.target)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}

/** Returns false (and draws nothing) when there is no Chromium: the chart is a bonus, not the benchmark. */
export async function renderChartPng(svg: string, file: string): Promise<boolean> {
  if (!svg || !existsSync(CHROMIUM_PATH)) return false;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
  try {
    const page = await browser.newPage();
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.locator("svg").screenshot({ path: file });
    return true;
  } finally {
    await browser.close();
  }
}
