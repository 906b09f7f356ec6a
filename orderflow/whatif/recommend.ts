// The twin's own recommendations: from the live forecast it proposes the variants a planner would try
// first (expedite the material of each order late by its own material, put each order late behind
// others first at the station that holds it up, one more unit at the bottleneck for the horizon,
// every station by each queue rule), runs them beside the baseline on common random numbers within
// a time budget, and reports those that do better, best first, in plain words.
import { RunLimits } from '../../sim-core/limits.ts';
import { forecastRun } from '../forecast.ts';
import type { PlantModel } from '../model/plantModel.ts';
import { QUEUE_RULES } from '../model/plantModel.ts';
import type { ResolvedModel } from '../model/resolveModel.ts';
import type { Forecast, OrderForecast, Snapshot } from '../types.ts';
import type { Variant } from './variant.ts';
import {
  baselineFits,
  DEFAULT_HORIZON_MS,
  type Difference,
  OBJECTIVE_KPI,
  type ObjectiveKey,
  type VariantResult,
  type WhatIfOptions,
  type WhatIfResult,
  whatIf,
} from './whatIf.ts';

export interface RecommendOptions extends WhatIfOptions {
  /** Wall time the whole recommendation may take (ms): replications are cut to fit. Default: no limit. */
  budgetMs?: number;
  /** How many recommendations at most (default 3). */
  max?: number;
  /** How many late orders each kind of proposal looks at, the latest first (default 5). */
  perKind?: number;
}

/** A variant the twin proposes, how it did, and what it gains in plain words. */
export interface Recommendation {
  variant: Variant;
  result: VariantResult;
  /** "Expedite order-2's material by 3 min 20 s: 2 fewer late orders, 95 % CI [1, 2]" */
  text: string;
}

export interface RecommendResult {
  recommendations: Recommendation[];
  /** The comparison the recommendations come from: every proposal, ranked. */
  comparison: WhatIfResult;
  /** How many variants were proposed. */
  proposed: number;
}

/**
 * Proposes variants for the live plant, runs them, and returns those better than the baseline, best
 * first. With replications, the proposals are first run at the means; the best `max × 2` of them then
 * on as many replications as the budget leaves (at least 2, else the result at the means stands).
 */
export function recommend(
  snapshot: Snapshot,
  model: PlantModel,
  options: RecommendOptions = {},
): RecommendResult {
  const started = performance.now();
  const max = options.max ?? 3;
  const limits = RunLimits.of(options.limits);
  const live = forecastRun(snapshot, model, { parameters: options.parameters, limits });
  const proposals = propose(snapshot, live.forecast, live.resolved, {
    perKind: options.perKind ?? 5,
    horizonMs: options.horizonMs ?? DEFAULT_HORIZON_MS,
  });
  const common = { ...options, limits };
  let comparison = whatIf(snapshot, model, proposals, { ...common, replications: 0 });
  const wanted = options.replications ?? 0;
  if (wanted > 0) {
    const best = comparison.variants.filter((v) => v.verdict === 'better').slice(0, 2 * max);
    if (best.length > 0) {
      const shortlist = proposals.filter((p) => best.some((b) => b.name === p.name));
      // Each run at the means took about this long; a replication of each costs about as much.
      const spent = performance.now() - started;
      const perRun = spent / (proposals.length + 2);
      const left = options.budgetMs === undefined ? Number.POSITIVE_INFINITY : options.budgetMs - spent;
      // The baseline's draws come from the forecast when it made them: only the shortlist's are run.
      const drawn =
        options.baseline !== undefined &&
        baselineFits(options.baseline, options.seed ?? 1, options.horizonMs ?? DEFAULT_HORIZON_MS, wanted);
      const replications = Math.min(
        wanted,
        Math.floor(left / (perRun * (shortlist.length + (drawn ? 0 : 1)))),
      );
      if (replications >= 2) comparison = whatIf(snapshot, model, shortlist, { ...common, replications });
    }
  }
  const recommendations = comparison.variants
    .filter((v) => v.verdict === 'better')
    .slice(0, max)
    .map((result) => {
      const variant = proposals.find((p) => p.name === result.name)!;
      return { variant, result, text: `${variant.name}: ${gain(result, comparison)}` };
    });
  return { recommendations, comparison, proposed: proposals.length };
}

/** The variants the twin proposes for a forecast. */
function propose(
  snapshot: Snapshot,
  forecast: Forecast,
  resolved: ResolvedModel,
  { perKind, horizonMs }: { perKind: number; horizonMs: number },
): Variant[] {
  const { asOf, orders } = forecast;
  const iso = (ms: number) => new Date(ms).toISOString();
  const latest = (o: OrderForecast[]) =>
    o.sort((a, b) => b.latenessMs! - a.latenessMs! || (a.orderId < b.orderId ? -1 : 1)).slice(0, perKind);
  const late = orders.filter((o) => o.late);
  const variants: Variant[] = [];

  // Delayed by its own material while orders are late (itself, or those behind it): the material
  // back to its first ETA, or now if that has passed.
  const ownMaterial = orders.filter(
    (o) => o.delayCause === 'own-material' || o.delayCause === 'overdue-material',
  );
  const worst = (o: OrderForecast[]) =>
    o
      .sort(
        (a, b) =>
          (b.latenessMs ?? -Infinity) - (a.latenessMs ?? -Infinity) ||
          b.delayMs - a.delayMs ||
          (a.orderId < b.orderId ? -1 : 1),
      )
      .slice(0, perKind);
  for (const o of late.length === 0 ? [] : worst(ownMaterial)) {
    if (o.eta === undefined) continue;
    const eta = Math.max(asOf, Math.min(o.initialEta ?? o.eta, o.eta));
    const by = Math.max(o.eta, asOf) - eta;
    if (!(by > 0) && o.delayCause !== 'overdue-material') continue;
    variants.push({
      name:
        by > 0 ? `Expedite ${o.orderId}'s material by ${duration(by)}` : `Get ${o.orderId}'s material now`,
      changes: [{ change: 'expedite', order: o.orderId, eta: iso(eta) }],
    });
  }
  // Late behind others: first at the station where it waits longest beyond the plan.
  let top = 0;
  for (const o of snapshot.orders) top = Math.max(top, o.priority ?? 0);
  const rule = new Map(resolved.stations.map((s) => [s.id, s.queueRule]));
  for (const o of latest(late.filter((o) => o.delayCause === 'knock-on' && o.delayStation !== undefined))) {
    const station = o.delayStation!;
    const changes: Variant['changes'] = [{ change: 'priority', order: o.orderId, priority: top + 1 }];
    if (rule.get(station) !== 'priority') changes.push({ change: 'queue-rule', station, rule: 'priority' });
    variants.push({ name: `Put ${o.orderId} first at ${station}`, changes });
  }
  // The bottleneck: the busiest station, one more unit for the horizon.
  const busiest = [...forecast.stations].sort((a, b) => b.utilisation - a.utilisation)[0];
  if (busiest !== undefined && busiest.utilisation > 0) {
    variants.push({
      name: `One more unit at ${busiest.station} for the next ${duration(horizonMs)}`,
      changes: [{ change: 'units', station: busiest.station, add: 1, to: iso(asOf + horizonMs) }],
    });
  }
  // Each queue rule at every station that follows another.
  for (const r of QUEUE_RULES) {
    const stations = resolved.stations.filter((s) => s.queueRule !== r);
    if (stations.length === 0) continue;
    variants.push({
      name: `Every station by ${r === 'fifo' ? 'first in, first out' : r === 'priority' ? 'priority' : 'due date'}`,
      changes: stations.map((s) => ({ change: 'queue-rule', station: s.id, rule: r })),
    });
  }
  return variants;
}

const WORDS: Record<ObjectiveKey, (n: number) => string> = {
  'late-orders': (n) => `${count(n)} fewer late order${n === 1 ? '' : 's'}`,
  'total-lateness': (ms) => `${duration(ms)} less lateness in all`,
  'mean-lateness': (ms) => `late orders ${duration(ms)} less late on average`,
  makespan: (ms) => `all done ${duration(ms)} sooner`,
  throughput: (n) => `${count(n)} more order${n === 1 ? '' : 's'} done`,
};

/** What a better variant gains, by the objective key that decided it: "2 fewer late orders, 95 % CI [1, 2]". */
function gain(result: VariantResult, comparison: WhatIfResult): string {
  const key = result.decidedBy!;
  const kpi = OBJECTIVE_KPI[key];
  const d: Difference = result.difference![kpi];
  const sign = key === 'throughput' ? 1 : -1;
  const text = WORDS[key](sign * d.mean);
  if (d.ci === undefined) return `${text} (${comparison.replications === 0 ? 'at the means' : 'one draw'})`;
  const bounds = d.ci.map((x) => sign * x).sort((a, b) => a - b);
  const show = kpi === 'lateOrders' || kpi === 'throughput' ? count : duration;
  return `${text}, 95 % CI [${show(bounds[0]!)}, ${show(bounds[1]!)}]`;
}

/** A count to one decimal where it is a mean: "2", "1.5". */
function count(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** A duration in the two largest units: "3 min 20 s", "2 h 05 min". */
function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const sign = ms < 0 ? '−' : '';
  if (s < 60) return `${sign}${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m} min${s % 60 === 0 ? '' : ` ${s % 60} s`}`;
  const h = Math.floor(m / 60);
  return `${sign}${h} h${m % 60 === 0 ? '' : ` ${String(m % 60).padStart(2, '0')} min`}`;
}
