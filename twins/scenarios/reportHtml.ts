// The scenario report as one self-contained HTML page (inline CSS and SVG, no script, no external
// asset): the scenarios by KPI with 95 % intervals, the recommended one and the objective it was chosen
// by, box plots of the main KPIs, the bottleneck, the sensitivity cases and the model's assumptions.
import { quantileOf } from '../../sim-core/quantile.ts';
import type { KpiResult, ScenarioReport, ScenarioResult } from './runScenarios.ts';
import type { KpiSpec } from './ScenarioTwin.ts';

export interface ReportHtmlOptions {
  /** The page's title (default: the twin's kind and "scenarios"). */
  title?: string;
  /** Where the model and the scenarios came from, as the reader should see it (a file name). */
  source?: { model?: string; scenarios?: string };
}

/** The report as an HTML page. */
export function scenarioReportHtml(report: ScenarioReport, options: ReportHtmlOptions = {}): string {
  const title = options.title ?? `${report.kind} scenarios`;
  const spec = new Map(report.kpis.map((k) => [k.key, k]));
  const recommended = report.scenarios.find((s) => s.name === report.recommended)!;
  const byRank = report.ranking.map((name) => report.scenarios.find((s) => s.name === name)!);
  const main = report.kpis.filter((k) => k.main);
  const sections = [
    `<h1>${esc(title)}</h1>`,
    `<p class="meta">${esc(report.kind)} twin · ${report.replications} replications per scenario on common random numbers · seed ${report.seed}${
      options.source?.model ? ` · model <code>${esc(options.source.model)}</code>` : ''
    }${options.source?.scenarios ? ` · scenarios <code>${esc(options.source.scenarios)}</code>` : ''}</p>`,
    recommendationSection(report, recommended, spec),
    `<h2>Scenarios by KPI</h2>
<p>Each cell: the mean over the replications with its 95 % confidence interval; below it, the difference to the baseline (paired by replication) with its interval, coloured when it lies outside the noise.</p>
${kpiTable(byRank, report.kpis)}`,
    main.length === 0
      ? ''
      : `<h2>Distribution of the main KPIs</h2>
<p>Box plots over the replications: the box from the first to the third quartile, the line at the median, the whiskers at the lowest and highest replication, the dot at the mean.</p>
<div class="plots">${main.map((k) => boxPlot(k, report.scenarios)).join('\n')}</div>`,
    bottleneckSection(report, spec),
    sensitivitySection(report),
    report.detailKpis.length === 0
      ? ''
      : `<h2>Details</h2>
<p>Further measures each replication reports, one per row (no direction of better: read them beside the KPIs above).</p>
${detailTable(byRank, report.detailKpis)}`,
    `<h2>Assumptions of the model</h2>
<ul class="assumptions">${report.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`,
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${sections.filter(Boolean).join('\n')}
</main>
</body>
</html>
`;
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2733;background:#fff;margin:0}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:0 0 4px}
h2{font-size:1.2em;margin:32px 0 8px;border-bottom:1px solid #d5dbe3;padding-bottom:4px}
.meta{color:#5b6675;margin:0 0 16px}
.recommendation{background:#eef6ee;border:1px solid #9cc79c;border-radius:6px;padding:12px 16px}
.recommendation strong{font-size:1.1em}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:8px 0}
th,td{border:1px solid #d5dbe3;padding:4px 8px;text-align:right;vertical-align:top}
th{background:#f3f5f8}
td.name,th.name{text-align:left}
.ci{color:#5b6675;font-size:.85em}
.diff{display:block;font-size:.85em}
.better{color:#17692a;font-weight:600}
.worse{color:#a4161a;font-weight:600}
.noise,.same{color:#5b6675}
.higher,.lower{color:#1d4e89}
tr.recommended td{background:#f4faf4}
.plots{display:flex;flex-wrap:wrap;gap:16px}
.plots figure{margin:0}
.plots figcaption{font-size:.9em;text-align:center}
svg text{font-family:inherit;font-size:11px;fill:#1d2733}
.assumptions li{margin:4px 0}
`;

const VERDICT_TEXT: Record<string, string> = {
  baseline: 'baseline',
  better: 'better',
  worse: 'worse',
  'within-noise': 'inside the noise',
  same: 'the same',
  noise: 'inside the noise',
  higher: 'higher',
  lower: 'lower',
};

function recommendationSection(
  report: ScenarioReport,
  recommended: ScenarioResult,
  spec: Map<string, KpiSpec>,
): string {
  const objective = report.objective
    .map(
      (key, i) =>
        `${i === 0 ? '' : 'then '}${spec.get(key)!.better} ${esc(spec.get(key)!.label.toLowerCase())}`,
    )
    .join(', ');
  const why =
    recommended.verdict === 'baseline'
      ? 'No scenario beats the baseline by more than the noise: keep things as they are.'
      : `Better than the baseline in ${esc(spec.get(recommended.decidedBy!)!.label.toLowerCase())}: ${diffText(
          recommended.kpis[recommended.decidedBy!]!,
          spec.get(recommended.decidedBy!)!,
        )}.`;
  return `<section class="recommendation" id="recommended">
<p>Recommended: <strong>${esc(recommended.name)}</strong>${recommended.description ? ` — ${esc(recommended.description)}` : ''}</p>
<p>${why}</p>
<p class="objective">Objective: ${objective}. A scenario whose difference to the baseline lies inside the noise (its 95 % interval holds zero) never ranks above the baseline.</p>
</section>`;
}

function kpiTable(results: readonly ScenarioResult[], kpis: readonly KpiSpec[]): string {
  const head = `<tr><th class="name">#</th><th class="name">scenario</th><th class="name">verdict</th>${kpis
    .map((k) => `<th>${esc(k.label)}${k.unit ? ` <span class="ci">(${esc(k.unit)})</span>` : ''}</th>`)
    .join('')}</tr>`;
  const rows = results.map((r) => {
    const cells = kpis.map((k) => {
      const v = r.kpis[k.key];
      return v === undefined ? '<td>–</td>' : `<td>${valueCell(v)}</td>`;
    });
    const verdict = `<td class="name ${r.verdict}">${VERDICT_TEXT[r.verdict]}${r.decidedBy ? ` <span class="ci">(by ${esc(r.decidedBy)})</span>` : ''}</td>`;
    return `<tr class="${r.rank === 1 ? 'recommended' : ''}"><td class="name">${r.rank || ''}</td><td class="name">${esc(r.name)}</td>${verdict}${cells.join('')}</tr>`;
  });
  return `<table>\n${head}\n${rows.join('\n')}\n</table>`;
}

/** One row per detail KPI, one column per scenario: there may be many of them (a station each). */
function detailTable(results: readonly ScenarioResult[], keys: readonly string[]): string {
  const head = `<tr><th class="name">measure</th>${results.map((r) => `<th>${esc(r.name)}</th>`).join('')}</tr>`;
  const rows = keys.map(
    (key) =>
      `<tr><td class="name">${esc(key)}</td>${results
        .map((r) => {
          const v = r.kpis[key];
          return v === undefined ? '<td>–</td>' : `<td>${valueCell(v)}</td>`;
        })
        .join('')}</tr>`,
  );
  return `<table class="details">\n${head}\n${rows.join('\n')}\n</table>`;
}

/** A mean with its interval and, for a scenario, its difference to the baseline. */
function valueCell(v: KpiResult): string {
  const diff =
    v.difference === undefined
      ? ''
      : `<span class="diff ${v.verdict ?? ''}">Δ ${signed(v.difference.mean)} <span class="ci">[${num(v.difference.low)}, ${num(v.difference.high)}]</span></span>`;
  return `${num(v.mean)} <span class="ci">[${num(v.low)}, ${num(v.high)}]</span>${diff}`;
}

function boxPlot(kpi: KpiSpec, results: readonly ScenarioResult[]): string {
  const row = 28;
  const left = 170;
  const width = 520;
  const plotWidth = width - left - 20;
  const height = results.length * row + 40;
  const all = results.flatMap((r) => r.kpis[kpi.key]?.samples ?? []).filter(Number.isFinite);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * plotWidth;
  const boxes = results.map((r, i) => {
    const samples = (r.kpis[kpi.key]?.samples ?? []).filter(Number.isFinite);
    const y = 10 + i * row;
    const label = `<text x="${left - 8}" y="${y + row / 2 + 4}" text-anchor="end">${esc(truncate(r.name, 26))}</text>`;
    if (samples.length === 0) return label;
    const [q1, med, q3] = [0.25, 0.5, 0.75].map((q) => quantileOf(samples, q)) as [number, number, number];
    const min = Math.min(...samples);
    const max = Math.max(...samples);
    const mean = samples.reduce((s, v) => s + v, 0) / samples.length;
    const mid = y + row / 2;
    return `<g class="box" data-scenario="${esc(r.name)}">${label}
<line x1="${f(x(min))}" y1="${mid}" x2="${f(x(max))}" y2="${mid}" stroke="#5b6675"/>
<line x1="${f(x(min))}" y1="${mid - 6}" x2="${f(x(min))}" y2="${mid + 6}" stroke="#5b6675"/>
<line x1="${f(x(max))}" y1="${mid - 6}" x2="${f(x(max))}" y2="${mid + 6}" stroke="#5b6675"/>
<rect x="${f(x(q1))}" y="${mid - 9}" width="${f(Math.max(1, x(q3) - x(q1)))}" height="18" fill="#b9d3ee" stroke="#1d4e89"/>
<line x1="${f(x(med))}" y1="${mid - 9}" x2="${f(x(med))}" y2="${mid + 9}" stroke="#1d4e89" stroke-width="2"/>
<circle cx="${f(x(mean))}" cy="${mid}" r="3" fill="#a4161a"/></g>`;
  });
  const axisY = 10 + results.length * row + 4;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const v = lo + t * (hi - lo);
    return `<line x1="${f(x(v))}" y1="${axisY}" x2="${f(x(v))}" y2="${axisY + 4}" stroke="#5b6675"/><text x="${f(x(v))}" y="${axisY + 16}" text-anchor="middle">${num(v)}</text>`;
  });
  const caption = `${kpi.label}${kpi.unit ? ` (${kpi.unit})` : ''}, ${kpi.better} is better`;
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(caption)}">
<line x1="${left}" y1="${axisY}" x2="${left + plotWidth}" y2="${axisY}" stroke="#5b6675"/>
${ticks.join('')}
${boxes.join('\n')}
</svg><figcaption>${esc(caption)}</figcaption></figure>`;
}

function bottleneckSection(report: ScenarioReport, spec: Map<string, KpiSpec>): string {
  const b = report.bottleneck;
  if (b === undefined) return '';
  const kpi = spec.get(b.kpi)!;
  const headline = b.measurable
    ? `<p>The bottleneck is <strong>${esc(b.resource)}</strong>: one more unit of it buys the most ${esc(kpi.label.toLowerCase())}, measured on the same random numbers as the baseline.</p>`
    : `<p>No single extra unit buys a difference in ${esc(kpi.label.toLowerCase())} outside the noise; the largest, inside it, is one more unit of <strong>${esc(b.resource)}</strong>.</p>`;
  const rows = b.candidates.map(
    (c) =>
      `<tr><td class="name">${esc(c.resource)}</td><td class="name">${esc(c.scenario)}</td><td class="${c.verdict}">${signed(c.difference.mean)} <span class="ci">[${num(c.difference.low)}, ${num(c.difference.high)}]</span></td><td class="name ${c.verdict}">${VERDICT_TEXT[c.verdict]}</td></tr>`,
  );
  return `<h2>Bottleneck</h2>
<section id="bottleneck">${headline}
<table><tr><th class="name">resource</th><th class="name">experiment</th><th>Δ ${esc(kpi.label)}${kpi.unit ? ` (${esc(kpi.unit)})` : ''} vs baseline</th><th class="name">verdict</th></tr>
${rows.join('\n')}</table></section>`;
}

function sensitivitySection(report: ScenarioReport): string {
  if (report.sensitivity.length === 0) return '';
  return `<h2>Sensitivity</h2>
<section id="sensitivity"><p>How the baseline's KPIs move when its inputs move: each case against the baseline, on the same random numbers.</p>
${kpiTable(report.sensitivity, report.kpis)}</section>`;
}

function diffText(v: KpiResult, kpi: KpiSpec): string {
  const d = v.difference!;
  return `${signed(d.mean)}${kpi.unit ? ` ${esc(kpi.unit)}` : ''} (95 % interval ${num(d.low)} to ${num(d.high)})`;
}

/** A number with about four significant digits, never in exponent form for everyday sizes. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  // Below this, a difference is the rounding of sums of doubles, not a measure.
  if (a < 1e-12) return '0';
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a >= 0.01) return v.toFixed(3);
  return v.toPrecision(2);
}

/** A difference with its sign: `+1.25`, `-0.3`, `0`. */
export function signed(v: number): string {
  const text = num(v);
  return v > 0 && text !== '0' ? `+${text}` : text;
}
const f = (v: number): string => v.toFixed(1);
const truncate = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Text for HTML (content or a quoted attribute). */
export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
