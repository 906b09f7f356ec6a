// The Monte Carlo forecast: the deterministic forecast, plus how uncertain each order's finish is.
// The work in process is placed as it stands many times, each time with the times still to come
// drawn from the model's distributions, and every order's production end is collected.
import type { ModelDefinition } from '../sim-core/blocks/ModelDefinition.ts';
import { Environment } from '../sim-core/kernel/Environment.ts';
import { ModelError, SimulationLimitError } from '../sim-core/kernel/errors.ts';
import { MAX_REPLICATIONS, RunLimits } from '../sim-core/limits.ts';
import { nearestRank } from '../sim-core/quantile.ts';
import { Random, sampler } from '../sim-core/random/Random.ts';
import { replicationSeed, type Seed, seedRecord } from '../sim-core/random/seeds.ts';
import {
  activeOrders,
  type ForecastOptions,
  forecast,
  placeWorkInProcess,
  type WipDraws,
} from './forecast.ts';
import { orderFlowModel } from './models/index.ts';
import { orderFlowNetwork } from './network.ts';
import { type Forecast, isAtRisk, type OrderForecast, type Snapshot } from './types.ts';

export interface MonteCarloOptions extends ForecastOptions {
  /** How many times the future is drawn: 1 to MAX_REPLICATIONS, and orders × replications at most MAX_MONTE_CARLO_DRAWS. */
  replications: number;
  /** Any integer, from which every replication's random stream derives. Default 1. */
  seed?: Seed;
  /** Called after each replication (for progress on long runs). */
  onReplication?: (done: number, total: number) => void;
}

/**
 * The most production ends a Monte Carlo forecast keeps (orders × replications): 160 MB of them,
 * well within a forecast Lambda's memory; 10,000 orders × 2,000 replications, 200 orders × 100,000.
 */
export const MAX_MONTE_CARLO_DRAWS = 20_000_000;

/** The model parameter of the supplier's slip: extra wait after an ETA, a distribution in the model's time unit. */
const ETA_SLIP_PARAMETER = 'etaSlip';

/**
 * Forecasts `snapshot` as `forecast` does (the model's means, every ETA kept), and adds for every
 * order the 10th, 50th and 90th percentile of its production end over `replications` draws of the
 * future, and the share of draws in which it ends by its due date. A pure function of (snapshot,
 * model, options): the same seed gives the same result.
 */
export function forecastMonteCarlo(
  snapshot: Snapshot,
  model: ModelDefinition = orderFlowModel,
  options: MonteCarloOptions,
): Forecast {
  const { replications } = options;
  if (!Number.isInteger(replications) || replications < 1 || replications > MAX_REPLICATIONS) {
    throw new ModelError(
      `replications must be a whole number from 1 to ${MAX_REPLICATIONS.toLocaleString('en')}, got ${replications}`,
    );
  }
  const limits = RunLimits.of(options.limits);
  const seed = options.seed ?? 1;
  const orders = activeOrders(snapshot);
  const draws = orders.length * replications;
  if (draws > MAX_MONTE_CARLO_DRAWS) {
    throw new SimulationLimitError(
      `a Monte Carlo forecast of ${orders.length.toLocaleString('en')} orders × ${replications.toLocaleString('en')} replications would keep ${draws.toLocaleString('en')} production ends, more than its limit of ${MAX_MONTE_CARLO_DRAWS.toLocaleString('en')}: use fewer replications`,
      'draws',
      MAX_MONTE_CARLO_DRAWS,
      draws,
    );
  }
  const base = forecast(snapshot, model, { ...options, limits });
  const index = new Map(orders.map((o, i) => [o.orderId, i]));
  // ends[order * replications + r]: the order's production end in replication r.
  const ends = new Float64Array(draws);
  let events = 0;
  for (let r = 0; r < replications; r++) {
    limits.checkWallTime();
    const random = new Random(replicationSeed(seed, r));
    const env = new Environment(snapshot.asOf);
    const net = orderFlowNetwork(model, env, {
      parameters: options.parameters,
      random,
      deterministic: false,
    });
    const placed = placeWorkInProcess(
      orders,
      snapshot.asOf,
      net,
      [],
      etaSlipDraws(net.model.parameters, random),
    );
    limits.run(env);
    events += env.eventsProcessed;
    for (const p of placed) {
      ends[index.get(p.order.orderId)! * replications + r] = p.entity.attributes.productionEndAt as number;
    }
    options.onReplication?.(r + 1, replications);
  }

  const spread = (o: OrderForecast): OrderForecast => {
    const i = index.get(o.orderId)!;
    const mine = ends.subarray(i * replications, (i + 1) * replications).sort();
    const result: OrderForecast = {
      ...o,
      productionEndP10: nearestRank(mine, 0.1),
      productionEndP50: nearestRank(mine, 0.5),
      productionEndP90: nearestRank(mine, 0.9),
    };
    if (o.dueAt !== undefined) {
      const onTime = countAtMost(mine, o.dueAt);
      result.onTimeProbability = onTime / replications;
    }
    return result;
  };
  const spreadOrders = base.orders.map(spread);
  const ordersAtRisk = spreadOrders.filter(isAtRisk).length;
  return {
    ...base,
    orders: spreadOrders,
    kpis: { ...base.kpis, ordersAtRisk },
    monteCarlo: { replications, seed: seedRecord(seed) },
    events: base.events + events,
  };
}

/**
 * Throws a ModelError when `model`, with `parameters`, cannot make a forecast or a Monte Carlo one:
 * it is not an order-flow model, lacks a parameter, or has a malformed distribution. For settings
 * that come from outside (a model file at start, a deploy's context), checked before the first forecast.
 */
export function checkForecastModel(
  model: ModelDefinition,
  parameters: MonteCarloOptions['parameters'] = {},
): void {
  forecastMonteCarlo({ asOf: 0, orders: [] }, model, { parameters, replications: 1 });
}

/** The slip of ETAs, when the model has one (a distribution); none otherwise. */
function etaSlipDraws(parameters: Readonly<Record<string, unknown>>, random: Random): WipDraws {
  if (!Object.hasOwn(parameters, ETA_SLIP_PARAMETER)) return {};
  const spec = parameters[ETA_SLIP_PARAMETER];
  if (typeof spec === 'string') {
    throw new ModelError(`parameter "${ETA_SLIP_PARAMETER}" must be a distribution, got "${spec}"`);
  }
  const slip = sampler(spec as Parameters<typeof sampler>[0], random);
  return { etaSlip: () => Math.max(0, slip.sample()) };
}

/** How many of the sorted values are at most `limit`. */
function countAtMost(sorted: Float64Array, limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
