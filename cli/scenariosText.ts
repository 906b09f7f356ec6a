// `twin scenarios` as text: the scenarios ranked with their main KPIs, each a mean with its 95 %
// interval and the difference to the baseline, then the recommendation, the bottleneck and sensitivity.

import { num, signed } from '../twins/scenarios/reportHtml.ts';
import type { ScenarioReport, ScenarioResult } from '../twins/scenarios/runScenarios.ts';
import { table } from './format.ts';

const VERDICT: Record<string, string> = {
  baseline: 'baseline',
  better: 'better',
  worse: 'worse',
  'within-noise': 'inside the noise',
  same: 'the same',
};

/** The report for a terminal; `title` heads it (the model's name and file). */
export function scenariosText(report: ScenarioReport, title: string): string {
  const spec = new Map(report.kpis.map((k) => [k.key, k]));
  const shown = report.kpis.filter((k) => k.main || report.objective.includes(k.key));
  const header = [
    '#',
    'scenario',
    'verdict',
    ...shown.map((k) => `${k.label}${k.unit ? ` (${k.unit})` : ''}`),
  ];
  const cell = (r: ScenarioResult, key: string): string => {
    const v = r.kpis[key]!;
    const half = (v.high - v.low) / 2;
    const diff = v.difference === undefined ? '' : `  Δ ${signed(v.difference.mean)}`;
    return `${num(v.mean)} ±${num(half)}${diff}`;
  };
  const rows = (results: readonly ScenarioResult[]) =>
    results.map((r) => [
      r.rank === 0 ? '' : String(r.rank),
      r.name,
      `${VERDICT[r.verdict]}${r.decidedBy ? ` (${r.decidedBy})` : ''}`,
      ...shown.map((k) => cell(r, k.key)),
    ]);
  const byRank = report.ranking.map((name) => report.scenarios.find((s) => s.name === name)!);
  const objective = report.objective.map((key) => `${spec.get(key)!.better} ${key}`).join(', then ');
  const lines = [
    title,
    `${report.replications} replications per scenario on common random numbers, seed ${report.seed}; ± is the 95 % interval's half-width, Δ the difference to the baseline.`,
    `Objective: ${objective}.`,
    '',
    table([header, ...rows(byRank)]),
    '',
    `Recommended: ${report.recommended}${report.recommended === report.baseline ? ' (no scenario beats the baseline by more than the noise)' : ''}`,
  ];
  const b = report.bottleneck;
  if (b !== undefined) {
    const best = b.candidates[0]!;
    lines.push(
      b.measurable
        ? `Bottleneck: ${b.resource} (one more unit: ${b.kpi} ${signed(best.difference.mean)}, 95 % interval ${num(best.difference.low)} to ${num(best.difference.high)})`
        : `Bottleneck: none measurable (no extra unit moves ${b.kpi} outside the noise; the most, inside it: ${b.resource})`,
    );
  }
  if (report.sensitivity.length > 0)
    lines.push('', 'Sensitivity (each against the baseline):', table([header, ...rows(report.sensitivity)]));
  return lines.join('\n');
}
