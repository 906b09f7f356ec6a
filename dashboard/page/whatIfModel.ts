// What the what-if panel shows, without the DOM: a change and a variant in words, the ranked table's
// cells (KPIs and differences with their 95 % intervals), and the queue rules a station may take.
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import type {
  Change,
  Difference,
  QueueRule,
  RecommendationItem,
  WhatIfKpis,
  WhatIfRow,
} from '../../contracts/whatIf.ts';
import { formatDuration, formatTimeNear } from './format.ts';
import { type ModelView, stationName } from './model.ts';

/** The queue rules of the order domain, each with what it means. */
export const QUEUE_RULE_TEXT = {
  fifo: 'first come, first served',
  priority: 'highest priority first',
  'due-date': 'earliest due date first',
} as const satisfies Record<QueueRule, string>;

/** A change in a few words, e.g. "order-4's material at 08:40:00", "+1 unit at Welder". */
export function changeText(change: Change, view: ModelView | undefined, asOf: number): string {
  const station = (id: string) => (view ? stationName(view, id) : id);
  const at = (iso: string) => formatTimeNear(Date.parse(iso), asOf);
  switch (change.change) {
    case 'expedite':
      return `${change.order}'s material at ${at(change.eta)}`;
    case 'priority':
      return `${change.order} priority ${change.priority}`;
    case 'due-date':
      return `${change.order} due ${at(change.dueAt)}`;
    case 'rush-order':
      return `rush order ${change.order} due ${at(change.dueAt)}`;
    case 'units': {
      const n = Math.abs(change.add);
      const what = `${change.add > 0 ? '+' : '−'}${n} unit${n === 1 ? '' : 's'} at ${station(change.station)}`;
      const from = change.from === undefined ? '' : ` from ${at(change.from)}`;
      const to = change.to === undefined ? '' : ` until ${at(change.to)}`;
      return `${what}${from}${to}`;
    }
    case 'queue-rule':
      return `${station(change.station)}: ${QUEUE_RULE_TEXT[change.rule] ?? change.rule}`;
    case 'duration':
      return `${change.step} takes ${JSON.stringify(change.duration)}`;
    case 'hold':
      return `hold ${change.order} until ${at(change.until)}`;
    case 'maintenance':
      return `maintenance at ${station(change.station)} ${at(change.from)}–${at(change.to)}`;
    case 'cancel-maintenance':
      return `no maintenance ${change.maintenanceId}`;
  }
}

/** A variant's name from its changes (at most 200 characters, as a variant's name may be). */
export function variantName(changes: readonly Change[], view: ModelView | undefined, asOf: number): string {
  const name = changes.map((c) => changeText(c, view, asOf)).join('; ') || 'no change';
  return name.length <= 200 ? name : `${name.slice(0, 199)}…`;
}

/** What a verdict says to a planner. */
export const VERDICT_TEXT: Record<WhatIfRow['verdict'], string> = {
  baseline: 'the live plant',
  better: 'better',
  worse: 'worse',
  'within-noise': 'within the noise',
  same: 'the same',
};

/** A count that may be a mean over draws: whole numbers as they are, else one decimal. */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** A signed count, e.g. "−2", "+0.4", "0". */
export function formatSignedCount(n: number): string {
  if (Math.abs(n) < 1e-9) return '0';
  return `${n < 0 ? '−' : '+'}${formatCount(Math.abs(n))}`;
}

/** A signed duration, "0" when none. */
function signedDuration(ms: number): string {
  if (Math.abs(ms) < 500) return '0';
  return `${ms < 0 ? '−' : '+'}${formatDuration(ms)}`;
}

/** A difference and, with replications, its 95 % interval, e.g. `{ mean: "−2", ci: "[−3, −1]" }`. */
export function differenceParts(
  d: Difference | undefined,
  kind: 'count' | 'duration',
): { mean: string; ci?: string } {
  if (d === undefined) return { mean: '–' };
  const f = kind === 'count' ? formatSignedCount : signedDuration;
  return d.ci === undefined ? { mean: f(d.mean) } : { mean: f(d.mean), ci: `[${f(d.ci[0])}, ${f(d.ci[1])}]` };
}

/** A difference and its 95 % interval in one line, e.g. "−2 [−3, −1]". */
export function differenceText(d: Difference | undefined, kind: 'count' | 'duration'): string {
  const { mean, ci } = differenceParts(d, kind);
  return ci === undefined ? mean : `${mean} ${ci}`;
}

/** One row of the ranked table, as text. */
export interface RankedRow {
  name: string;
  rank: string;
  verdict: WhatIfRow['verdict'];
  verdictText: string;
  late: string;
  lateness: string;
  makespan: string;
  lateDiff: { mean: string; ci?: string };
  latenessDiff: { mean: string; ci?: string };
  makespanDiff: { mean: string; ci?: string };
}

/** The ranked table's rows, in rank order. */
export function rankedRows(rows: readonly WhatIfRow[]): RankedRow[] {
  return [...rows]
    .sort((a, b) => a.rank - b.rank)
    .map((r) => {
      const k: WhatIfKpis = r.kpis;
      return {
        name: r.name,
        rank: String(r.rank),
        verdict: r.verdict,
        verdictText: VERDICT_TEXT[r.verdict] ?? r.verdict,
        late: formatCount(k.lateOrders),
        lateness: formatDuration(k.totalLatenessMs),
        makespan: formatDuration(k.makespanMs),
        lateDiff: differenceParts(r.difference?.lateOrders, 'count'),
        latenessDiff: differenceParts(r.difference?.totalLatenessMs, 'duration'),
        makespanDiff: differenceParts(r.difference?.makespanMs, 'duration'),
      };
    });
}

/** The variant to show beside the baseline: `wanted` if it is there, else the best ranked variant. */
export function chosenVariant(rows: readonly WhatIfRow[], wanted?: string): string | undefined {
  if (wanted !== undefined && rows.some((r) => r.name === wanted)) return wanted;
  return [...rows].sort((a, b) => a.rank - b.rank).find((r) => r.verdict !== 'baseline')?.name;
}

/** The recommendations a forecast carries (the live twin's), if any. */
export function recommendationsOf(
  forecast: ForecastRecord | null | undefined,
): RecommendationItem[] | undefined {
  const carried = (forecast as { recommendations?: unknown } | null | undefined)?.recommendations;
  if (!Array.isArray(carried)) return undefined;
  return carried.filter(
    (r): r is RecommendationItem =>
      typeof r === 'object' &&
      r !== null &&
      typeof (r as RecommendationItem).name === 'string' &&
      Array.isArray((r as RecommendationItem).changes),
  );
}

/** A datetime-local input's value for `ms`, in the browser's time zone, to the minute. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}
