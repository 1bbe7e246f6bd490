// Summarises the Lighthouse JSON reports written by bench/lighthouse.sh.
//
// Usage: node summarize.mjs RESULTS_DIR PAGE...
//   RESULTS_DIR holds <slug>-<run>.json for every page (slug = the page path made file-safe, as the
//   shell script names them); PAGE is each page path, in the order the table lists them.
//
// Prints (stdout):
//   1. a Markdown table: for each page the MEDIAN over its runs of each column, computed column by column
//      (scores 0-100, LCP, CLS, TBT, total transfer bytes) and the number of runs it is based on;
//   2. every audit that is not passing in accessibility / best-practices / SEO, with its offending
//      selectors, taken from each page's median run (the run closest to the median FCP and TTI, the way
//      Lighthouse's own computeMedianRun picks it);
//   3. the top performance opportunities over all pages (by estimated time saved, then bytes saved).
// Also writes RESULTS_DIR/summary.json and RESULTS_DIR/summary.md (the table).
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [dir, ...pages] = process.argv.slice(2);
if (!dir || pages.length === 0) {
  console.error("usage: node summarize.mjs RESULTS_DIR PAGE...");
  process.exit(2);
}

const slugOf = (path) => path.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "home";

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const num = (lhr, id) => lhr.audits[id]?.numericValue ?? NaN;
const score = (lhr, cat) => (lhr.categories[cat]?.score == null ? NaN : lhr.categories[cat].score * 100);

// Lighthouse's computeMedianRun (core/lib/median-run.js): the run closest to the median FCP and TTI.
function medianRun(runs) {
  const fcp = median(runs.map((r) => num(r, "first-contentful-paint")));
  const tti = median(runs.map((r) => num(r, "interactive")));
  const dist = (r) => (fcp - num(r, "first-contentful-paint")) ** 2 + (tti - num(r, "interactive")) ** 2;
  return runs.slice().sort((a, b) => dist(a) - dist(b) || num(a, "interactive") - num(b, "interactive"))[0];
}

const CATS = ["performance", "accessibility", "best-practices", "seo"];
const rows = [];
const failing = [];
const opportunities = [];

for (const page of pages) {
  const slug = slugOf(page);
  const files = readdirSync(dir).filter((f) => new RegExp(`^${slug}-\\d+\\.json$`).test(f)).sort();
  const runs = [];
  const errors = [];
  for (const f of files) {
    const lhr = JSON.parse(readFileSync(join(dir, f), "utf8"));
    if (lhr.runtimeError) {
      errors.push(`${f}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      continue;
    }
    runs.push(lhr);
  }
  const row = { page, runs: runs.length, errors };
  for (const c of CATS) row[c] = median(runs.map((r) => score(r, c)));
  row.lcpMs = median(runs.map((r) => num(r, "largest-contentful-paint")));
  row.cls = median(runs.map((r) => num(r, "cumulative-layout-shift")));
  row.tbtMs = median(runs.map((r) => num(r, "total-blocking-time")));
  row.fcpMs = median(runs.map((r) => num(r, "first-contentful-paint")));
  row.transferBytes = median(runs.map((r) => num(r, "total-byte-weight")));
  rows.push(row);
  if (runs.length === 0) continue;

  const lhr = medianRun(runs);
  row.medianRunUrl = lhr.finalDisplayedUrl;
  row.lighthouseVersion = lhr.lighthouseVersion;
  row.formFactor = lhr.configSettings.formFactor;

  for (const cat of ["accessibility", "best-practices", "seo"]) {
    for (const ref of lhr.categories[cat].auditRefs) {
      const a = lhr.audits[ref.id];
      if (!a || a.score === null || a.score >= 1) continue;
      if (["notApplicable", "informative", "manual"].includes(a.scoreDisplayMode)) continue;
      const items = a.details?.items ?? [];
      const selectors = items
        .map((it) => it.node?.selector ?? it.source?.url ?? it.url ?? it.description ?? null)
        .filter(Boolean);
      failing.push({ page, category: cat, id: a.id, title: a.title, score: a.score, weight: ref.weight, displayValue: a.displayValue ?? "", explanation: a.explanation ?? "", selectors });
    }
  }

  for (const a of Object.values(lhr.audits)) {
    const d = a.details;
    if (!d || a.score === null || a.score >= 1) continue;
    const ms = d.overallSavingsMs ?? Math.max(0, ...Object.values(a.metricSavings ?? {}).filter(Number.isFinite));
    const bytes = d.overallSavingsBytes ?? 0;
    if (d.type !== "opportunity" && !(a.metricSavings && Object.values(a.metricSavings).some((v) => v > 0))) continue;
    if (!(ms > 0 || bytes > 0)) continue;
    const urls = (d.items ?? []).map((it) => it.url ?? it.node?.selector).filter(Boolean).slice(0, 5);
    opportunities.push({ page, id: a.id, title: a.title, savingsMs: ms, savingsBytes: bytes, metricSavings: a.metricSavings ?? {}, displayValue: a.displayValue ?? "", items: urls });
  }
}

// 1. the table
const fmtScore = (v) => (Number.isFinite(v) ? String(Math.round(v)) : "—");
const fmtSec = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : "—");
const fmtMs = (ms) => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : "—");
const fmtCls = (v) => (Number.isFinite(v) ? v.toFixed(3) : "—");
const fmtKB = (b) => (Number.isFinite(b) ? `${(b / 1024).toFixed(1)} KiB` : "—");
const header = ["page", "perf", "a11y", "best practices", "SEO", "LCP", "CLS", "TBT", "transfer", "runs"];
const body = rows.map((r) => [
  `\`${r.page}\``,
  fmtScore(r.performance),
  fmtScore(r.accessibility),
  fmtScore(r["best-practices"]),
  fmtScore(r.seo),
  fmtSec(r.lcpMs),
  fmtCls(r.cls),
  fmtMs(r.tbtMs),
  fmtKB(r.transferBytes),
  String(r.runs),
]);
const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
const table = [line(header), `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|")}|`, ...body.map(line)].join("\n");
console.log(table);

for (const r of rows) for (const e of r.errors) console.log(`\nrun failed on ${r.page}: ${e}`);

// 2. failing audits
console.log("\nNot passing in accessibility / best-practices / SEO (median run of each page):");
if (failing.length === 0) console.log("  none");
for (const f of failing) {
  console.log(`  ${f.page}  [${f.category}] ${f.id}: ${f.title}${f.displayValue ? ` (${f.displayValue})` : ""}${f.explanation ? ` — ${f.explanation}` : ""}`);
  for (const s of f.selectors.slice(0, 10)) console.log(`      ${s}`);
  if (f.selectors.length > 10) console.log(`      … ${f.selectors.length - 10} more`);
}

// 3. performance opportunities, all pages together, biggest first
opportunities.sort((a, b) => b.savingsMs - a.savingsMs || b.savingsBytes - a.savingsBytes);
console.log("\nPerformance opportunities (median run of each page, biggest estimated saving first):");
if (opportunities.length === 0) console.log("  none");
for (const o of opportunities.slice(0, 10)) {
  const saving = [o.savingsMs > 0 ? `~${Math.round(o.savingsMs)} ms` : "", o.savingsBytes > 0 ? `~${(o.savingsBytes / 1024).toFixed(1)} KiB` : ""].filter(Boolean).join(", ");
  console.log(`  ${o.page}  ${o.id}: ${o.title} (${saving || o.displayValue})`);
  for (const u of o.items) console.log(`      ${u}`);
}

writeFileSync(join(dir, "summary.json"), JSON.stringify({ rows, failing, opportunities }, null, 2) + "\n");
writeFileSync(join(dir, "summary.md"), table + "\n");
