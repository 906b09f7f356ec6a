// The dashboard's what-if on the live plant: reads a fresh snapshot through the state store (as the
// forecast does), runs the order domain's what-if or recommendations on it with the twin's model, and
// answers in the dashboard's terms. It only reads: nothing is written to the state or the forecasts.
// Made here, where the handlers are built, because the dashboard itself reads forecasts only.
import type { ForecastRecord } from '../contracts/forecastRecord.ts';
import { isUnreachable } from '../contracts/unreachable.ts';
import type { LiveSnapshotAnswer, RecommendAnswer, WhatIfAnswer, WhatIfRow } from '../contracts/whatIf.ts';
import {
  StateTableMissingError,
  StateUnavailableError,
  WhatIfInputError,
  WhatIfLimitError,
} from '../dashboard/errors.ts';
import type { LiveWhatIf } from '../dashboard/liveWhatIf.ts';
import { liveSnapshot } from '../forecast/liveSnapshot.ts';
import type { PlantModel } from '../orderflow/index.ts';
import type { Forecast, Snapshot } from '../orderflow/types.ts';
import { recommend } from '../orderflow/whatif/recommend.ts';
import { parseVariants, VariantError } from '../orderflow/whatif/variant.ts';
import { OBJECTIVE_KEYS, type ObjectiveKey, whatIf } from '../orderflow/whatif/whatIf.ts';
import { SimulationLimitError } from '../sim-core/index.ts';
import type { Seed } from '../sim-core/random/seeds.ts';
import type { ActiveOrder, StateStore } from '../state/StateStore.ts';

/** Variants one request may run besides the baseline: each brings a forecast into the answer. */
export const WHATIF_MAX_VARIANTS = 10;
/** Draws of the future per variant one request may ask for. */
export const WHATIF_MAX_REPLICATIONS = 200;
/** Wall time one request's simulations may take (ms), within the dashboard function's timeout. */
export const WHATIF_MAX_WALL_MS = 20_000;
/** Wall time the twin's recommendations may take (ms): replications are cut to fit. */
export const RECOMMEND_BUDGET_MS = 5_000;

export interface LiveWhatIfOptions {
  states: StateStore;
  /** The order-state table's name, for messages. */
  tableName: string;
  /** The twin's plant model and parameter overrides: those the forecast runs. */
  model: PlantModel;
  parameters?: Record<string, unknown> | undefined;
  /** The snapshot's "now" from its orders, as the forecast takes it (default: the wall clock). */
  clock?: ((orders: readonly ActiveOrder[]) => number) | undefined;
  maxWallMs?: number;
  /** When an answer was made (default: the wall clock). */
  now?: () => number;
}

/** The latest event applied to any of `orders` (the forecast's clock when the plant runs sped up). */
export const latestOrderEvent = (orders: readonly ActiveOrder[]): number =>
  orders.reduce((t, o) => Math.max(t, o.updatedAt), 0);

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);

const REQUEST_KEYS = ['variants', 'replications', 'seed', 'objective'] as const;
const RECOMMEND_KEYS = ['replications', 'seed', 'objective', 'max'] as const;

/** The what-if the dashboard app is given: reads the live state, runs, answers; writes nothing. */
export function createLiveWhatIf(options: LiveWhatIfOptions): LiveWhatIf {
  const now = options.now ?? Date.now;
  const limits = { maxWallMs: options.maxWallMs ?? WHATIF_MAX_WALL_MS };

  /** A fresh snapshot of live plant `plantId`, as the forecast Lambda reads it. */
  async function snapshot(
    plantId: string | undefined,
  ): Promise<{ snapshot: Snapshot; orders: ActiveOrder[]; readMs: number }> {
    const started = performance.now();
    let orders: ActiveOrder[];
    let plant: Awaited<ReturnType<StateStore['plantState']>>;
    try {
      [orders, plant] = await Promise.all([
        options.states.listActive(plantId),
        options.states.plantState(plantId),
      ]);
    } catch (error) {
      throw mapped(error, options.tableName);
    }
    const asOf = (options.clock ?? (() => now()))(orders);
    return {
      // As the forecast reads it.
      snapshot: liveSnapshot(asOf, orders, plant),
      orders,
      readMs: round(performance.now() - started),
    };
  }

  /** `forecast` as the page draws a stored one: when, from what state and how fast it was made. */
  function record(forecast: Forecast, orders: ActiveOrder[], readMs: number, simulateMs: number) {
    return {
      ...forecast,
      generatedAt: now(),
      stateVersion: { latestEventAt: latestOrderEvent(orders), activeOrders: orders.length },
      timings: { readMs, simulateMs },
    } satisfies ForecastRecord;
  }

  return {
    async whatIf(body, plantId) {
      const request = whatIfRequest(body);
      const live = await snapshot(plantId);
      const started = performance.now();
      const result = running(() =>
        whatIf(live.snapshot, options.model, request.variants, {
          replications: request.replications,
          ...(request.seed !== undefined && { seed: request.seed }),
          ...(request.objective !== undefined && { objective: request.objective }),
          parameters: options.parameters,
          limits,
          forecasts: true,
        }),
      );
      const simulateMs = round(performance.now() - started);
      const forecasts: Record<string, ForecastRecord> = {};
      const variants: WhatIfRow[] = result.variants.map(({ forecast, ...row }) => {
        if (forecast) forecasts[row.name] = record(forecast, live.orders, live.readMs, simulateMs);
        return row;
      });
      return {
        ...result,
        variants,
        forecasts,
        timings: { readMs: live.readMs, simulateMs },
      } satisfies WhatIfAnswer;
    },

    async snapshot(plantId) {
      const live = await snapshot(plantId);
      return {
        snapshot: live.snapshot,
        model: options.model,
        parameters: options.parameters ?? {},
      } satisfies LiveSnapshotAnswer;
    },

    async recommend(body, plantId) {
      const request = recommendRequest(body);
      const live = await snapshot(plantId);
      const started = performance.now();
      const result = running(() =>
        recommend(live.snapshot, options.model, {
          replications: request.replications,
          ...(request.seed !== undefined && { seed: request.seed }),
          ...(request.objective !== undefined && { objective: request.objective }),
          ...(request.max !== undefined && { max: request.max }),
          parameters: options.parameters,
          limits,
          budgetMs: RECOMMEND_BUDGET_MS,
        }),
      );
      return {
        asOf: live.snapshot.asOf,
        recommendations: result.recommendations.map(({ variant, text }) => ({
          name: variant.name,
          text,
          changes: variant.changes,
          ...(variant.description !== undefined && { description: variant.description }),
        })),
        proposed: result.proposed,
        timings: { readMs: live.readMs, simulateMs: round(performance.now() - started) },
      } satisfies RecommendAnswer;
    },
  };
}

/** Runs the simulations, with their failures in the dashboard's terms. */
function running<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof VariantError) throw new WhatIfInputError(error.message, { cause: error });
    if (error instanceof SimulationLimitError) {
      throw new WhatIfLimitError(`${error.message}: ask for fewer variants or replications`, {
        cause: error,
      });
    }
    throw error;
  }
}

interface RunRequest {
  replications: number;
  seed?: Seed;
  objective?: ObjectiveKey[];
}

/** The body of POST /api/whatif: `{ variants, replications?, seed?, objective? }`, or one variant. */
function whatIfRequest(body: unknown): RunRequest & { variants: ReturnType<typeof parseVariants> } {
  const raw = object(body);
  // One variant on its own: a name and changes, no `variants`.
  const fields = 'variants' in raw || !('name' in raw) ? raw : { variants: raw };
  unknownKeys(fields, REQUEST_KEYS);
  if (fields.variants === undefined) {
    throw new WhatIfInputError('variants: missing: give a variant ({ name, changes }) or a list of them');
  }
  let variants: ReturnType<typeof parseVariants>;
  try {
    variants = parseVariants(fields.variants);
  } catch (error) {
    if (error instanceof VariantError) throw new WhatIfInputError(error.message, { cause: error });
    throw error;
  }
  if (variants.length > WHATIF_MAX_VARIANTS) {
    throw new WhatIfInputError(
      `variants: ${variants.length} variants, at most ${WHATIF_MAX_VARIANTS} run at once`,
    );
  }
  return { ...runRequest(fields), variants };
}

/** The body of POST /api/recommend: `{ replications?, seed?, objective?, max? }`. */
function recommendRequest(body: unknown): RunRequest & { max?: number } {
  const raw = object(body);
  unknownKeys(raw, RECOMMEND_KEYS);
  const max = raw.max;
  if (max !== undefined && !(Number.isInteger(max) && (max as number) >= 1 && (max as number) <= 10)) {
    throw new WhatIfInputError(`max: must be a whole number from 1 to 10, got ${JSON.stringify(max)}`);
  }
  return { ...runRequest(raw), ...(max !== undefined && { max: max as number }) };
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WhatIfInputError('the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function unknownKeys(raw: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new WhatIfInputError(`${unknown[0]}: unknown field; the body takes ${known.join(', ')}`);
  }
}

function runRequest(raw: Record<string, unknown>): RunRequest {
  const { replications = 0, seed, objective } = raw;
  if (
    !(
      Number.isInteger(replications) &&
      (replications as number) >= 0 &&
      (replications as number) <= WHATIF_MAX_REPLICATIONS
    )
  ) {
    throw new WhatIfInputError(
      `replications: must be a whole number from 0 to ${WHATIF_MAX_REPLICATIONS}, got ${JSON.stringify(replications)}`,
    );
  }
  const request: RunRequest = { replications: replications as number };
  if (seed !== undefined) {
    if (Number.isSafeInteger(seed)) request.seed = seed as number;
    else if (typeof seed === 'string' && /^-?\d{1,20}$/.test(seed)) request.seed = BigInt(seed);
    else throw new WhatIfInputError(`seed: must be a whole number, got ${JSON.stringify(seed)}`);
  }
  if (objective !== undefined) {
    const keys = OBJECTIVE_KEYS as readonly unknown[];
    if (!Array.isArray(objective) || objective.length === 0) {
      throw new WhatIfInputError(`objective: must be a list of ${OBJECTIVE_KEYS.join(', ')}`);
    }
    const wrong = objective.find((k) => !keys.includes(k));
    if (wrong !== undefined) {
      throw new WhatIfInputError(
        `objective: ${JSON.stringify(wrong)} is not one of ${OBJECTIVE_KEYS.join(', ')}`,
      );
    }
    request.objective = objective as ObjectiveKey[];
  }
  return request;
}

/** A state store failure as the dashboard answers it. */
function mapped(error: unknown, tableName: string): unknown {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  const code = (error as { code?: string } | undefined)?.code ?? '';
  if (name === 'ResourceNotFoundException') return new StateTableMissingError(tableName, { cause: error });
  if (THROTTLED.has(name) || name === 'TransientStoreError' || isUnreachable(error)) {
    return new StateUnavailableError(`the order-state table did not answer (${code || name})`, {
      cause: error,
    });
  }
  return error;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
