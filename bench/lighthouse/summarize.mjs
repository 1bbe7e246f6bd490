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

  // Failing audits: from every run (they rarely differ between runs), once per page and audit.
  for (const run of runs) {
    for (const cat of ["accessibility", "best-practices", "seo"]) {
      for (const ref of run.categories[cat].auditRefs) {
        const a = run.audits[ref.id];
        if (!a || a.score === null || a.score >= 1) continue;
        if (["notApplicable", "informative", "manual"].includes(a.scoreDisplayMode)) continue;
        if (failing.some((f) => f.page === page && f.id === a.id)) continue;
        const selectors = (a.details?.items ?? [])
          .map((it) => it.node?.selector ?? it.source?.url ?? it.url ?? it.description ?? null)
          .filter(Boolean);
        failing.push({ page, category: cat, id: a.id, title: a.title, score: a.score, weight: ref.weight, displayValue: a.displayValue ?? "", explanation: a.explanation ?? "", selectors });
      }
    }
  }

  // Opportunities: the performance audits the report shows (not the hidden "insight" duplicates) that
  // estimate a saving, from the median run.
  for (const ref of lhr.categories.performance.auditRefs) {
    if (ref.group === "hidden" || ref.group === "metrics") continue;
    const a = lhr.audits[ref.id];
    const d = a?.details;
    if (!d || d.type !== "opportunity" || a.score === null || a.score >= 1) continue;
    const ms = d.overallSavingsMs ?? Math.max(0, ...Object.values(a.metricSavings ?? {}).filter(Number.isFinite));
    const bytes = d.overallSavingsBytes ?? 0;
    if (!(ms > 0 || bytes > 0)) continue;
    const items = (d.items ?? []).map((it) => it.url ?? it.node?.selector).filter((x) => typeof x === "string");
    opportunities.push({ page, id: a.id, title: a.title, savingsMs: ms, savingsBytes: bytes, metricSavings: a.metricSavings ?? {}, items });
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
console.log("\nNot passing in accessibility / best-practices / SEO (any run):");
if (failing.length === 0) console.log("  none");
for (const f of failing) {
  console.log(`  ${f.page}  [${f.category}] ${f.id}: ${f.title}${f.displayValue ? ` (${f.displayValue})` : ""}${f.explanation ? ` — ${f.explanation}` : ""}`);
  for (const s of f.selectors.slice(0, 10)) console.log(`      ${s}`);
  if (f.selectors.length > 10) console.log(`      … ${f.selectors.length - 10} more`);
}

// 3. performance opportunities, grouped by audit over all pages, biggest estimated saving first
const byAudit = new Map();
for (const o of opportunities) {
  const g = byAudit.get(o.id) ?? { id: o.id, title: o.title, maxMs: 0, maxBytes: 0, pages: [], items: new Set() };
  g.maxMs = Math.max(g.maxMs, o.savingsMs);
  g.maxBytes = Math.max(g.maxBytes, o.savingsBytes);
  g.pages.push(`${o.page} ~${Math.round(o.savingsMs)} ms${o.savingsBytes > 0 ? ` / ${(o.savingsBytes / 1024).toFixed(1)} KiB` : ""}`);
  for (const u of o.items) g.items.add(u.replace(/^https?:\/\/[^/]+/, ""));
  byAudit.set(o.id, g);
}
const grouped = [...byAudit.values()].sort((a, b) => b.maxMs - a.maxMs || b.maxBytes - a.maxBytes);
console.log("\nPerformance opportunities (median run of each page; largest estimated saving first):");
if (grouped.length === 0) console.log("  none");
for (const g of grouped.slice(0, 8)) {
  console.log(`  ${g.id}: ${g.title}`);
  console.log(`      pages: ${g.pages.join(", ")}`);
  const items = [...g.items];
  console.log(`      e.g. ${items.slice(0, 4).join("  ")}${items.length > 4 ? `  (+${items.length - 4} more)` : ""}`);
}

writeFileSync(join(dir, "summary.json"), JSON.stringify({ rows, failing, opportunities: grouped.map((g) => ({ ...g, items: [...g.items] })) }, null, 2) + "\n");
writeFileSync(join(dir, "summary.md"), table + "\n");

// A page with no usable run makes the whole script fail (after printing what there is).
if (rows.some((r) => r.runs === 0)) process.exitCode = 1;
