// Benchmark workloads: Casymda's model and forecasts of synthetic plants of a given size.
import uncertainPlant from '../examples/order-flow-uncertain.json' with { type: 'json' };
import { forecast, forecastMonteCarlo, type OrderState, type Snapshot } from '../orderflow/index.ts';
import {
  casymdaBenchmarkModel,
  parseModelDefinition,
  quantileOf,
  Random,
  runModel,
} from '../sim-core/index.ts';

/**
 * The demo plant with uncertain times, as docs/model-and-forecasts.md shows `twin forecast --replications` with
 * (imported, not read: `npm run bench` runs a bundle of the CLI from another folder).
 */
const uncertainModel = () => parseModelDefinition(uncertainPlant);

export interface CasymdaResult {
  endTime: number;
  events: number;
  /** Run time of the simulation itself (model build and run), ms. */
  wallMs: number;
}

/** Runs Casymda's benchmark model once. */
export function casymda(entities: number, interArrival: number): CasymdaResult {
  const started = performance.now();
  const result = runModel(casymdaBenchmarkModel, { parameters: { entities, interArrival } });
  const wallMs = performance.now() - started;
  const run = result.replications[0]!;
  return { endTime: run.endTime, events: run.events, wallMs: Math.round(wallMs * 10) / 10 };
}

const MIN = 60_000;

/**
 * A plant with `n` active orders at `asOf`: about 1 in 20 finished, one in production, a third
 * queued, the rest waiting for material (some ETAs slipped, some overdue) or not yet ordered.
 */
export function syntheticSnapshot(n: number, seed = 1): Snapshot {
  const random = new Random(seed);
  const asOf = Date.UTC(2026, 0, 5, 12, 0, 0);
  const orders: OrderState[] = [];
  for (let i = 0; i < n; i++) {
    const orderId = `order-${String(i + 1).padStart(6, '0')}`;
    const acceptedAt = asOf - random.integer(1, 600) * MIN;
    const dueAt = acceptedAt + random.integer(60, 24 * 60) * MIN;
    const base = {
      orderId,
      acceptedAt,
      dueAt,
      materialOrderedAt: acceptedAt,
      initialEta: acceptedAt + 10 * MIN,
    };
    const u = random.next();
    if (i === 0) {
      orders.push({
        ...base,
        status: 'in-production',
        materialArrivedAt: asOf - 12 * MIN,
        steps: { production: { startedAt: asOf - 4 * MIN } },
      });
    } else if (u < 0.05) {
      orders.push({
        ...base,
        status: 'finished',
        materialArrivedAt: acceptedAt + 10 * MIN,
        steps: { production: { startedAt: acceptedAt + 10 * MIN, finishedAt: acceptedAt + 20 * MIN } },
      });
    } else if (u < 0.4) {
      orders.push({ ...base, status: 'ready', materialArrivedAt: asOf - random.integer(0, 300) * MIN });
    } else if (u < 0.85) {
      orders.push({ ...base, status: 'awaiting-material', eta: asOf + random.integer(-5, 120) * MIN });
    } else {
      orders.push({ orderId, acceptedAt, dueAt, status: 'accepted' });
    }
  }
  return { asOf, orders };
}

export interface ForecastBenchResult {
  orders: number;
  /** Monte Carlo forecasts only: draws of the future per forecast (model: examples/order-flow-uncertain.json). */
  replications?: number;
  /** The first forecast in the process, compilation included (a cold Lambda's first forecast). */
  freshMs: number;
  /** Median of `runs` forecasts after `warmupRuns` in the same process (a warm Lambda's forecast). */
  medianMs: number;
  minMs: number;
  events: number;
  runs: number;
  warmupRuns: number;
  /** The Node.js options of the process that measured (`twin bench` adds FORECAST_NODE_OPTIONS). */
  nodeOptions: string[];
}

/**
 * Forecasts a synthetic plant of `n` active orders: once fresh, then `warmupRuns` times unmeasured
 * (V8 optimises a forecast's code over its first runs, a warm Lambda's forecasts come after), then
 * `runs` times measured; the median is the warm figure.
 */
export function forecastBench(
  n: number,
  runs = 15,
  warmupRuns = 30,
  /** A Monte Carlo forecast of this many draws, of the demo plant with uncertain times. */
  replications?: number,
): ForecastBenchResult {
  const snapshot = syntheticSnapshot(n);
  const model = replications === undefined ? undefined : uncertainModel();
  const once = () =>
    replications === undefined ? forecast(snapshot) : forecastMonteCarlo(snapshot, model, { replications });
  const timed = () => {
    const started = performance.now();
    const { events } = once();
    return { ms: performance.now() - started, events };
  };
  const fresh = timed();
  for (let i = 0; i < warmupRuns; i++) once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(timed().ms);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    orders: n,
    ...(replications !== undefined && { replications }),
    freshMs: round(fresh.ms),
    medianMs: round(quantileOf(times, 0.5)),
    minMs: round(quantileOf(times, 0)),
    events: fresh.events,
    runs,
    warmupRuns,
    nodeOptions: process.execArgv,
  };
}
