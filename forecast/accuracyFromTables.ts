// The forecast accuracy of a twin, from its tables: the finished orders from `order-state`, and
// from the forecast history only the forecasts the comparison needs (a forecast of many orders is
// large; the history holds one for every batch of changes, for 14 days).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listForecastHistory, readForecastAt } from '../contracts/forecastItem.ts';
import type { ForecastRecord } from '../contracts/forecastRecord.ts';
import { DEFAULT_PLANT } from '../contracts/plants.ts';
import { resourceNames } from '../contracts/resources.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import {
  type ActualOrder,
  actualOrders,
  type Comparison,
  compareForecasts,
  compareStepEnds,
  forecastsNeeded,
  type HorizonAccuracy,
  type PastForecast,
  pastForecast,
  type StepAccuracy,
  type StepComparison,
  stepsOf,
  summarise,
  summariseSteps,
} from './accuracy.ts';
import { DEFAULT_HORIZONS_MS } from './observerSettings.ts';

export interface AccuracyReport {
  /** With `sinceMs`: only completions and step ends at or after this time (plant time) were compared. */
  finishedSince?: number;
  /** Orders whose every routing step has ended (by the model of the latest forecast). */
  finishedOrders: number;
  /** The model of the latest forecast in history, whose routings tell when an order is done. */
  model?: { name: string; hash: string };
  /** The forecast history: how many forecasts it holds, the first and last one's asOf, how many were read. */
  history: { forecasts: number; firstAsOf?: number; lastAsOf?: number; read: number };
  /** Completion, forecast against actual, per horizon. */
  horizons: HorizonAccuracy[];
  /** Each routing step's end, forecast against actual, per step (in routing order) and horizon. */
  steps: StepAccuracy[];
  /** Every order beside each forecast it was compared with: the data behind `horizons`. */
  comparisons: Comparison[];
  /** Every step's end beside each forecast it was compared with: the data behind `steps`. */
  stepComparisons: StepComparison[];
}

/** Forecasts read at once. */
const CONCURRENT_READS = 8;

/** Only what happened at or after `since`: completions and step ends before it are left out. */
function happenedSince(order: ActualOrder, since: number): ActualOrder | undefined {
  const stepEnds = Object.fromEntries(Object.entries(order.stepEnds).filter(([, end]) => end >= since));
  const completed = order.completedAt !== undefined && order.completedAt >= since;
  if (!completed && Object.keys(stepEnds).length === 0) return undefined;
  const { completedAt: _, ...rest } = order;
  return { ...rest, ...(completed && { completedAt: order.completedAt! }), stepEnds };
}

/**
 * Compares what happened to the orders in the tables (completions and every step's end) with the
 * forecasts made of them (see `compareForecasts`, `compareStepEnds`). Which steps an order's
 * routing has, and so when it is done, comes from the model of the latest forecast in history.
 */
export async function accuracyFromTables(
  clients: { dynamodb: DynamoDBClient; documentClient: DynamoDBDocumentClient },
  options: {
    names?: ReturnType<typeof resourceNames>;
    horizonsMs?: readonly number[];
    /** Only what happened within this long before the latest forecast in history (plant time). */
    sinceMs?: number;
    /** Told of each forecast read, and how many are to be read. */
    onRead?: (read: number, total: number) => void;
    /** The plant whose orders and forecasts to compare (default: the default plant). */
    plantId?: string;
  } = {},
): Promise<AccuracyReport> {
  const names = options.names ?? resourceNames();
  const horizonsMs = options.horizonsMs ?? DEFAULT_HORIZONS_MS;
  const plantId = options.plantId ?? DEFAULT_PLANT;
  const [finished, index] = await Promise.all([
    new DynamoDbStateStore(clients.dynamodb, names.orderStateTable).listFinished(plantId),
    listForecastHistory(clients.documentClient, names.forecastsTable, plantId),
  ]);
  const records = new Map<string, Promise<ForecastRecord | undefined>>();
  const read = (key: string) => {
    let record = records.get(key);
    if (record === undefined) {
      record = readForecastAt(clients.documentClient, names.forecastsTable, key, plantId);
      records.set(key, record);
    }
    return record;
  };
  const latest = index.length > 0 ? await read(index[index.length - 1]!.key) : undefined;
  const model = latest?.model;
  const finishedSince =
    options.sinceMs !== undefined && index.length > 0
      ? index[index.length - 1]!.asOf - options.sinceMs
      : undefined;
  const all = model === undefined ? [] : actualOrders(finished, model);
  const actual =
    finishedSince === undefined ? all : all.flatMap((o) => happenedSince(o, finishedSince) ?? []);
  const needed = forecastsNeeded(
    index.map((entry) => entry.asOf),
    actual,
    horizonsMs,
  ).map((i) => index[i]!);
  const forecasts: PastForecast[] = [];
  let next = 0;
  let compared = 0;
  const reader = async () => {
    while (next < needed.length) {
      const entry = needed[next++]!;
      const record = await read(entry.key);
      // Gone since it was listed (its time to live ran out): kept as a forecast of no order, so that
      // the orders it was in effect for are left out rather than compared with an older one.
      forecasts.push(record === undefined ? { asOf: entry.asOf, orders: new Map() } : pastForecast(record));
      if (record !== undefined) compared++;
      options.onRead?.(forecasts.length, needed.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, needed.length) }, reader));
  const comparisons = compareForecasts(forecasts, actual, horizonsMs);
  const stepComparisons = compareStepEnds(forecasts, actual, horizonsMs);
  return {
    ...(finishedSince !== undefined && { finishedSince }),
    finishedOrders: actual.filter((o) => o.completedAt !== undefined).length,
    ...(model !== undefined && { model: { name: model.name, hash: model.hash } }),
    history: {
      forecasts: index.length,
      ...(index.length > 0 && { firstAsOf: index[0]!.asOf, lastAsOf: index[index.length - 1]!.asOf }),
      read: compared,
    },
    horizons: summarise(comparisons, horizonsMs),
    steps: summariseSteps(stepComparisons, horizonsMs, model === undefined ? [] : stepsOf(model)),
    comparisons,
    stepComparisons,
  };
}
