// The Monte Carlo forecast: the deterministic forecast, plus how uncertain each order's finish is.
// The work in process is placed as it stands many times, each time with the times still to come
// drawn from the model's distributions, and every order's production end is collected.

import { isAtRisk } from '../contracts/forecastRecord.ts';
import { OrderStatus } from '../contracts/orderState.ts';
import { Environment } from '../sim-core/kernel/Environment.ts';
import { ModelError, SimulationLimitError } from '../sim-core/kernel/errors.ts';
import { MAX_REPLICATIONS, RunLimits } from '../sim-core/limits.ts';
import { nearestRankIndex, selectRanks } from '../sim-core/quantile.ts';
import { replicationSeed, type Seed, seedRecord } from '../sim-core/random/seeds.ts';
import { applyOutages, drawBreakdowns } from './downtime.ts';
import {
  type ForecastOptions,
  type ForecastRun,
  forecastRun,
  pendingOrders,
  type RestoredRun,
  restoreRun,
} from './forecast.ts';
import type { PlantModel } from './model/plantModel.ts';
import { replicationSamplers, resolveModel } from './model/resolveModel.ts';
import { orderFlowModel } from './models/index.ts';
import { buildNetwork, type Network, NetworkWarnings } from './network.ts';
import { ReplicationQueue } from './replicationQueue.ts';
import { type Placement, placeOrders, releasePlacement } from './restore.ts';
import { applyShifts } from './shifts.ts';
import type { Forecast, ForecastWarning, OrderForecast, Snapshot } from './types.ts';

export interface MonteCarloOptions extends ForecastOptions {
  /** How many times the future is drawn: 1 to MAX_REPLICATIONS, and orders × replications at most MAX_MONTE_CARLO_DRAWS. */
  replications: number;
  /** Any integer, from which every replication's random stream derives. Default 1. */
  seed?: Seed;
  /** Called after each replication (for progress on long runs). */
  onReplication?: (done: number, total: number) => void;
  /**
   * Hears the completions of every replication before they are summarised: what a what-if of the
   * same plant takes as its baseline's draws (`baselineDraws` of orderflow/whatif/whatIf.ts).
   */
  onDraws?: (prepared: PreparedMonteCarlo, shares: readonly MonteCarloSamples[]) => void;
}

/**
 * The most completion times a Monte Carlo forecast keeps (orders × replications): 160 MB of them,
 * well within a forecast Lambda's memory; 10,000 orders × 2,000 replications, 200 orders × 100,000.
 */
export const MAX_MONTE_CARLO_DRAWS = 20_000_000;

/**
 * Forecasts `snapshot` as `forecast` does (the model's means, every ETA kept), and adds for every
 * order the 10th, 50th and 90th percentile of its completion over `replications` draws of the
 * future, and the share of draws in which it completes by its due date. A pure function of
 * (snapshot, model, options): the same seed gives the same result.
 */
export function forecastMonteCarlo(
  snapshot: Snapshot,
  model: PlantModel = orderFlowModel,
  options: MonteCarloOptions,
): Forecast {
  const prepared = prepareMonteCarlo(snapshot, model, options);
  const shares = sampleMonteCarlo(prepared, ReplicationQueue.range(0, prepared.replications), (done) =>
    options.onReplication?.(done, prepared.replications),
  );
  options.onDraws?.(prepared, shares);
  return summariseMonteCarlo(prepared, shares);
}

/** What a Monte Carlo forecast's replications start from: the snapshot restored. */
export interface MonteCarloReplications {
  base: RestoredRun;
  replications: number;
  seed: Seed;
  limits: RunLimits;
}

/** The forecast at the means, which the replications' percentiles are added to. */
export interface PreparedMonteCarlo extends MonteCarloReplications {
  base: ForecastRun;
}

/**
 * The completions of replications [from, to): ends[k · (to − from) + (r − from)] is the completion of
 * the k-th restored order in replication r; and the kernel events they took, and their warnings.
 * Replication r draws the same whoever runs it (a worker thread runs a share of them).
 */
export interface MonteCarloSamples {
  from: number;
  to: number;
  ends: Float64Array;
  events: number;
  /** The warnings of its runs, each with its key: one per key and station, the first met. */
  warnings: { key: string; warning: ForecastWarning }[];
}

/** Checks the options and forecasts `snapshot` at the means: what the replications start from. */
export function prepareMonteCarlo(
  snapshot: Snapshot,
  model: PlantModel,
  options: Omit<MonteCarloOptions, 'onReplication' | 'onDraws'>,
): PreparedMonteCarlo {
  return preparing(snapshot, options, (limits) => forecastRun(snapshot, model, { ...options, limits }));
}

/**
 * Checks the options and restores `snapshot`, without forecasting it at the means: what a thread
 * that runs some of the replications needs.
 */
export function prepareMonteCarloReplications(
  snapshot: Snapshot,
  model: PlantModel,
  options: Omit<MonteCarloOptions, 'onReplication' | 'onDraws'>,
): MonteCarloReplications {
  return preparing(snapshot, options, () => restoreRun(snapshot, model, options));
}

/** The options checked, and the run that `make` starts the replications from. */
function preparing<R extends RestoredRun>(
  snapshot: Snapshot,
  options: Omit<MonteCarloOptions, 'onReplication' | 'onDraws'>,
  make: (limits: RunLimits) => R,
): { base: R; replications: number; seed: Seed; limits: RunLimits } {
  const limits = checkMonteCarlo(snapshot, options);
  return { base: make(limits), replications: options.replications, seed: options.seed ?? 1, limits };
}

function checkMonteCarlo(
  snapshot: Snapshot,
  options: Omit<MonteCarloOptions, 'onReplication' | 'onDraws'>,
): RunLimits {
  const { replications } = options;
  if (!Number.isInteger(replications) || replications < 1 || replications > MAX_REPLICATIONS) {
    throw new ModelError(
      `replications must be a whole number from 1 to ${MAX_REPLICATIONS.toLocaleString('en')}, got ${replications}`,
    );
  }
  const limits = RunLimits.of(options.limits);
  const active = snapshot.orders.filter(
    (o) => o.status !== OrderStatus.delivered && o.deliveredAt === undefined,
  );
  const draws = active.length * replications;
  if (draws > MAX_MONTE_CARLO_DRAWS) {
    throw new SimulationLimitError(
      `a Monte Carlo forecast of ${active.length.toLocaleString('en')} orders × ${replications.toLocaleString('en')} replications would keep ${draws.toLocaleString('en')} completion times, more than its limit of ${MAX_MONTE_CARLO_DRAWS.toLocaleString('en')}: use fewer replications`,
      'draws',
      MAX_MONTE_CARLO_DRAWS,
      draws,
    );
  }
  return limits;
}

/**
 * Runs the replications of `prepared` that it takes from `queue`, chunk by chunk, until none is left:
 * their samples, one per chunk; `progress` hears how many it has run.
 */
export function sampleMonteCarlo(
  prepared: MonteCarloReplications,
  queue: ReplicationQueue,
  progress?: (done: number) => void,
): MonteCarloSamples[] {
  const { base, seed, limits } = prepared;
  const { restored } = base;
  // Orders with a step still to do: random breakdowns stop once they are all done.
  const pending = pendingOrders(restored);
  const shares: MonteCarloSamples[] = [];
  let placement: Placement | undefined;
  let done = 0;
  for (let chunk = queue.take(); chunk !== undefined; chunk = queue.take()) {
    const [from, to] = chunk;
    const count = to - from;
    // A chunk's own warnings: each the first that its earliest replication met, as in one thread.
    const warnings = new NetworkWarnings();
    const ends = new Float64Array(restored.orders.length * count);
    let events = 0;
    for (let r = from; r < to; r++) {
      limits.checkWallTime();
      const replication = replicate(base, seed, r, pending, warnings, placement);
      const { times, env } = replication;
      placement = replication.placement;
      limits.run(env);
      events += env.eventsProcessed;
      restored.orders.forEach((order, k) => {
        ends[k * count + r - from] = times[order.base + 2 * order.product.routing.length - 1]!;
      });
      releasePlacement(placement);
      progress?.(++done);
    }
    shares.push({
      from,
      to,
      ends,
      events,
      warnings: warnings.list.map((warning, i) => ({ key: warnings.keys[i]!, warning })),
    });
  }
  return shares;
}

/** The Monte Carlo forecast of `prepared` from the samples of all its replications, in any number of shares. */
export function summariseMonteCarlo(
  prepared: PreparedMonteCarlo,
  shares: readonly MonteCarloSamples[],
): Forecast {
  const { base, replications, seed } = prepared;
  const { restored, order } = base;
  const n = restored.orders.length;
  // ends[order * replications + r]: the order's completion in replication r (restored order).
  const ends = new Float64Array(n * replications);
  let events = 0;
  const warnings: ForecastWarning[] = [];
  const seen = new Set<string>();
  for (const share of [...shares].sort((a, b) => a.from - b.from)) {
    const count = share.to - share.from;
    const from = share.ends;
    // Element by element: a view per order and share (threads share in chunks of a few) costs more.
    for (let k = 0, i = 0; k < n; k++) {
      for (let to = k * replications + share.from, end = to + count; to < end; to++) ends[to] = from[i++]!;
    }
    events += share.events;
    // Shares by their first replication: a warning is the one the earliest replication met, as in one thread.
    for (const { key, warning } of share.warnings) {
      if (seen.has(key)) continue;
      seen.add(key);
      warnings.push(warning);
    }
  }
  const orders = base.forecast.orders.slice();
  let ordersAtRisk = 0;
  for (let k = 0; k < n; k++) {
    const result = withSpread(orders[order[k]!]!, ends.subarray(k * replications, (k + 1) * replications));
    orders[order[k]!] = result;
    if (isAtRisk(result)) ordersAtRisk++;
  }
  return {
    ...base.forecast,
    orders,
    kpis: { ...base.forecast.kpis, ordersAtRisk },
    warnings: merged(base.forecast.warnings, warnings),
    monteCarlo: { replications, seed: seedRecord(seed) },
    events: base.forecast.events + events,
  };
}

/**
 * Replication `r` of the Monte Carlo forecast of `base` with `seed`, set up and ready to run (`pending`:
 * its orders with a step still to do): the times still to come drawn on common random numbers, so
 * that the same order's same step draws the same in every run on the seed. Returns the network, and
 * the array of the orders' times (laid out as `base.restored`'s), which fills in as it runs; with
 * `reuse` (the placement of the previous replication of `base`, read and released), its units and
 * times again.
 */
export function replicate(
  base: RestoredRun,
  seed: Seed,
  r: number,
  pending: number,
  warnings: NetworkWarnings,
  reuse?: Placement,
): { env: Environment; net: Network; times: Float64Array; placement: Placement } {
  const samplers = replicationSamplers(base.resolved, replicationSeed(seed, r));
  const env = new Environment(base.asOf);
  const net = buildNetwork(base.resolved, samplers, env, warnings);
  const placement = placeOrders(base.restored, net, { etaSlip: samplers.etaSlip }, base.holds, reuse);
  applyOutages(net, base.outages, true);
  applyShifts(net, pending);
  drawBreakdowns(net, pending);
  return { env, net, times: placement.times, placement };
}

/**
 * Throws a ModelError when `model`, with `parameters`, cannot make a forecast: a parameter it lacks,
 * or a value of the wrong kind. For settings that come from outside (a model file at start, a
 * deploy's context), checked before the first forecast.
 */
export function checkForecastModel(model: PlantModel, parameters: ForecastOptions['parameters'] = {}): void {
  resolveModel(model, parameters);
}

/** The forecast's warnings, and those of the replications it does not have (one per kind and station). */
function merged(
  forecast: readonly ForecastWarning[],
  replications: readonly ForecastWarning[],
): ForecastWarning[] {
  if (replications.length === 0) return forecast as ForecastWarning[];
  const known = new Set(forecast.map((w) => w.message));
  return [...forecast, ...replications.filter((w) => !known.has(w.message))];
}

/**
 * The order's forecast with the spread of its completions in the draws `ends` (reordered here): in a
 * function of its own, which V8 optimises on its own rather than as part of a long loop. Only the
 * three percentiles are put in place, not the whole sort: the summary is the calling thread's alone.
 */
function withSpread(o: OrderForecast, ends: Float64Array): OrderForecast {
  const n = ends.length;
  const p10 = nearestRankIndex(n, 0.1);
  const p50 = nearestRankIndex(n, 0.5);
  const p90 = nearestRankIndex(n, 0.9);
  selectRanks(ends, [p10, p50, p90]);
  // A copy, then the new fields set on it: V8 (Node.js 20) defines the fields that follow a spread in
  // an object literal one by one at run time, some microseconds an order (this way, a fraction of one).
  const result = Object.assign({}, o);
  result.completedAtP10 = ends[p10]!;
  result.completedAtP50 = ends[p50]!;
  result.completedAtP90 = ends[p90]!;
  if (o.dueAt !== undefined) result.onTimeProbability = countAtMost(ends, o.dueAt) / n;
  return result;
}

/** How many of the values are at most `limit`. */
function countAtMost(values: Float64Array, limit: number): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! <= limit) count++;
  return count;
}
