// What-if results for the terminal: the variants ranked with their expected KPIs, their difference to
// the baseline with its 95 % interval, and the orders each leaves late (`twin whatif`, `twin recommend`).
import { formatPercent } from '../dashboard/page/format.ts';
import type { RecommendResult } from '../orderflow/whatif/recommend.ts';
import type {
  Difference,
  ObjectiveKey,
  VariantResult,
  WhatIfKpis,
  WhatIfResult,
} from '../orderflow/whatif/whatIf.ts';
import { dateTime, duration, table } from './format.ts';

const KPI_OF: Record<ObjectiveKey, keyof WhatIfKpis> = {
  'late-orders': 'lateOrders',
  'total-lateness': 'totalLatenessMs',
  'mean-lateness': 'meanLatenessMs',
  makespan: 'makespanMs',
  throughput: 'throughput',
};

const LABEL: Record<ObjectiveKey, string> = {
  'late-orders': 'late orders',
  'total-lateness': 'total lateness',
  'mean-lateness': 'mean lateness',
  makespan: 'makespan',
  throughput: 'throughput',
};

/** A count, to two decimals where it is a mean over replications: `2`, `1.47`. */
function count(n: number): string {
  const rounded = Math.round(n * 100) / 100;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(2);
}

/** A signed count or duration: `-2`, `+1 min 20 s`, `0`. */
function signed(n: number, isTime: boolean): string {
  const text = isTime ? duration(n) : count(n);
  if (text === '0' || text === '0 s' || text === '-0' || text === '-0 s') return '0';
  return n > 0 ? `+${text}` : text;
}

/** A difference with its interval: `-2 [-2, -1]`, or the mean alone without replications. */
function differenceCell(d: Difference, key: ObjectiveKey): string {
  const isTime = key !== 'late-orders' && key !== 'throughput';
  const mean = signed(d.mean, isTime);
  // Every draw gave the same difference: the interval is the mean itself.
  if (d.ci === undefined || (signed(d.ci[0], isTime) === mean && signed(d.ci[1], isTime) === mean))
    return mean;
  return `${mean} [${signed(d.ci[0], isTime)}, ${signed(d.ci[1], isTime)}]`;
}

function verdictText(v: VariantResult): string {
  switch (v.verdict) {
    case 'better':
    case 'worse':
      return `${v.verdict} (${LABEL[v.decidedBy!]})`;
    case 'within-noise':
      return 'within noise';
    default:
      return v.verdict;
  }
}

/** The busiest station of a variant and its utilisation: `line 100 %`. */
function busiest(v: VariantResult): string {
  const [station, share] = Object.entries(v.utilisation).sort((a, b) => b[1] - a[1])[0] ?? [];
  return station === undefined ? '-' : `${station} ${formatPercent(share!)}`;
}

/** What the comparison ran: when, which model, how many futures, by which objective. */
function header(result: WhatIfResult, source: string): string[] {
  const runs =
    result.replications === 0
      ? 'at the means only (no replications)'
      : `${result.replications} replication${result.replications === 1 ? '' : 's'} on common random numbers (seed ${result.seed})`;
  return [
    `What-if as of ${dateTime(result.asOf)} · ${source} · model ${result.model.name}`,
    `${runs} · objective: ${result.objective.map((k) => LABEL[k]).join(', then ')}`,
  ];
}

/** The ranked table, the differences to the baseline, and each variant's late orders. */
export function whatIfText(result: WhatIfResult, source: string): string {
  const lines = header(result, source);
  const mean = result.replications > 0 ? ' (mean)' : '';
  const rows = [
    [
      'rank',
      'variant',
      'verdict',
      `late orders${mean}`,
      'total lateness',
      'makespan',
      `done in ${duration(result.horizonMs)}`,
      'busiest station',
    ],
  ];
  for (const v of result.variants) {
    rows.push([
      String(v.rank),
      v.name,
      verdictText(v),
      count(v.kpis.lateOrders),
      duration(v.kpis.totalLatenessMs),
      duration(v.kpis.makespanMs),
      count(v.kpis.throughput),
      busiest(v),
    ]);
  }
  lines.push('', table(rows));

  const others = result.variants.filter((v) => v.difference !== undefined);
  if (others.length > 0) {
    const keys = result.objective;
    lines.push(
      '',
      result.replications > 1
        ? 'Difference to the baseline (variant − baseline): mean [95 % interval, paired on the same futures;\nnone where every future gave the same difference]'
        : 'Difference to the baseline (variant − baseline)',
      '',
      table([
        ['variant', ...keys.map((k) => LABEL[k]), ''],
        ...others.map((v) => [
          v.name,
          ...keys.map((k) => differenceCell(v.difference![KPI_OF[k]], k)),
          v.verdict === 'within-noise' ? 'within noise' : '',
        ]),
      ]),
    );
  }

  lines.push(
    '',
    'Late in the forecast at the means, and delayed by cause (judged against the live plan):',
    '',
  );
  lines.push(
    table(
      result.variants.map((v) => {
        const delayed = Object.entries(v.delayed)
          .map(([cause, n]) => `${n} ${cause}`)
          .join(', ');
        return [
          v.name,
          v.lateOrders.length === 0 ? 'none late' : `late: ${v.lateOrders.join(', ')}`,
          delayed === '' ? '' : `delayed: ${delayed}`,
        ];
      }),
    ),
  );
  return lines.join('\n');
}

/** The twin's recommendations in plain words, best first, or that none does better than the live plan. */
export function recommendText(result: RecommendResult, source: string): string {
  const { comparison, recommendations, proposed } = result;
  const lines = header(comparison, source);
  const tried = `${proposed} option${proposed === 1 ? '' : 's'} tried`;
  if (recommendations.length === 0) {
    lines.push(
      '',
      proposed === 0
        ? 'Nothing to try: no order is late, and every station already follows each queue rule.'
        : `No option does better than the live plan (${tried}): keep it.`,
    );
    return lines.join('\n');
  }
  lines.push('', `Recommended (${tried}), best first:`, '');
  recommendations.forEach((r, i) => {
    lines.push(`${i + 1}. ${r.text}`);
  });
  const base = comparison.variants.find((v) => v.verdict === 'baseline')!;
  lines.push(
    '',
    `The live plan: ${count(base.kpis.lateOrders)} late order${base.kpis.lateOrders === 1 ? '' : 's'}, ` +
      `${duration(base.kpis.totalLatenessMs)} total lateness, all done in ${duration(base.kpis.makespanMs)}.`,
  );
  return lines.join('\n');
}
