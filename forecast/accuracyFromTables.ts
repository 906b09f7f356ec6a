// The forecast accuracy of a twin, from its tables: the finished orders from `order-state`, and
// from the forecast history only the forecasts the comparison needs (a forecast of many orders is
// large; the history holds one for every batch of changes, for 14 days).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listForecastHistory, readForecastAt } from '../contracts/forecastItem.ts';
import { resourceNames } from '../contracts/resources.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import {
  type Comparison,
  compareForecasts,
  DEFAULT_HORIZONS_MS,
  forecastsNeeded,
  type HorizonAccuracy,
  type PastForecast,
  pastForecast,
  summarise,
} from './accuracy.ts';

export interface AccuracyReport {
  /** With `sinceMs`: only orders that finished at or after this time (plant time) were compared. */
  finishedSince?: number;
  finishedOrders: number;
  /** The forecast history: how many forecasts it holds, the first and last one's asOf, how many were read. */
  history: { forecasts: number; firstAsOf?: number; lastAsOf?: number; read: number };
  horizons: HorizonAccuracy[];
  /** Every order beside each forecast it was compared with: the data behind `horizons`. */
  comparisons: Comparison[];
}

/** Forecasts read at once. */
const CONCURRENT_READS = 8;

/** Compares the finished orders in the tables with the forecasts made of them (see `forecastAccuracy`). */
export async function accuracyFromTables(
  clients: { dynamodb: DynamoDBClient; documentClient: DynamoDBDocumentClient },
  options: {
    names?: ReturnType<typeof resourceNames>;
    horizonsMs?: readonly number[];
    /** Only orders that finished within this long before the latest forecast in history (plant time). */
    sinceMs?: number;
    /** Told of each forecast read, and how many are to be read. */
    onRead?: (read: number, total: number) => void;
  } = {},
): Promise<AccuracyReport> {
  const names = options.names ?? resourceNames();
  const horizonsMs = options.horizonsMs ?? DEFAULT_HORIZONS_MS;
  const [allFinished, index] = await Promise.all([
    new DynamoDbStateStore(clients.dynamodb, names.orderStateTable).listFinished(),
    listForecastHistory(clients.documentClient, names.forecastsTable),
  ]);
  const finishedSince =
    options.sinceMs !== undefined && index.length > 0
      ? index[index.length - 1]!.asOf - options.sinceMs
      : undefined;
  const finished =
    finishedSince === undefined ? allFinished : allFinished.filter((o) => o.finishedAt >= finishedSince);
  const needed = forecastsNeeded(
    index.map((entry) => entry.asOf),
    finished,
    horizonsMs,
  ).map((i) => index[i]!);
  const forecasts: PastForecast[] = [];
  let next = 0;
  let read = 0;
  const reader = async () => {
    while (next < needed.length) {
      const entry = needed[next++]!;
      const record = await readForecastAt(clients.documentClient, names.forecastsTable, entry.key);
      // Gone since it was listed (its time to live ran out): kept as a forecast of no order, so that
      // the orders it was in effect for are left out rather than compared with an older one.
      forecasts.push(record === undefined ? { asOf: entry.asOf, orders: new Map() } : pastForecast(record));
      if (record !== undefined) read++;
      options.onRead?.(forecasts.length, needed.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, needed.length) }, reader));
  const comparisons = compareForecasts(forecasts, finished, horizonsMs);
  return {
    ...(finishedSince !== undefined && { finishedSince }),
    finishedOrders: finished.length,
    history: {
      forecasts: index.length,
      ...(index.length > 0 && { firstAsOf: index[0]!.asOf, lastAsOf: index[index.length - 1]!.asOf }),
      read,
    },
    horizons: summarise(comparisons, horizonsMs),
    comparisons,
  };
}
