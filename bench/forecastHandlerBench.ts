// Forecast Lambda benchmark on DynamoDB Local: the handler's work (read the active orders, simulate,
// write) for plants of 100, 1,000 and 10,000 active orders, its first invocation in a fresh process
// (what a cold Lambda pays) beside the median of warm ones.
import { Logger } from '@aws-lambda-powertools/logger';
import { encodeForecast } from '../contracts/forecastItem.ts';
import { resourceNames } from '../contracts/resources.ts';
import { DynamoDbForecastStore } from '../forecast/DynamoDbForecastStore.ts';
import { runForecast } from '../forecast/forecastHandler.ts';
import {
  createClients,
  createDocumentClient,
  createDynamoDbClient,
  destroyClients,
} from '../local/clients.ts';
import { startEmulators } from '../local/emulators/index.ts';
import { provision } from '../local/provision.ts';
import { quantileOf } from '../sim-core/quantile.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { countCalls } from './sdkCalls.ts';
import { putItems, syntheticStateItems } from './stateItems.ts';

export interface ForecastHandlerBenchRow {
  orders: number;
  /** The first invocation in a fresh process: clients made, nothing of the handler run yet (ms). */
  coldMs: number;
  /** Warm invocations measured after the first. */
  runs: number;
  /** Medians of the warm invocations and of their parts (ms). */
  warmMs: number;
  readMs: number;
  simulateMs: number;
  writeMs: number;
  /** DynamoDB calls of one invocation (reads and writes). */
  calls: number;
  /** Size of the compressed forecast (bytes). */
  storedBytes: number;
}

/** Tables of a plant of `orders` active orders (their names' prefix). */
export const benchTables = (orders: number) => resourceNames(`bench-${orders}-`);

const round = (x: number) => Math.round(x * 10) / 10;
const median = (xs: number[]) => round(quantileOf(xs, 0.5));

/**
 * Times the handler in this process against DynamoDB at `endpoint`, whose tables for `orders` are
 * filled (see `forecastHandlerBench`): the first invocation (cold if this process is fresh), then
 * `runs` more.
 */
export async function timeForecastHandler(
  endpoint: string,
  orders: number,
  runs = 5,
): Promise<ForecastHandlerBenchRow> {
  // As the Lambda does at module load: clients and stores before the first invocation.
  const dynamodb = createDynamoDbClient({ endpoint });
  const documents = createDocumentClient({ endpoint });
  const counters = [countCalls(dynamodb), countCalls(documents)];
  const calls = () => counters.reduce((sum, c) => sum + c.calls, 0);
  const names = benchTables(orders);
  const deps = {
    states: new DynamoDbStateStore(dynamodb, names.orderStateTable),
    forecasts: new DynamoDbForecastStore(documents, names.forecastsTable),
    logger: new Logger({ logLevel: 'SILENT' }),
  };
  try {
    const coldStart = performance.now();
    await runForecast(deps);
    const coldMs = performance.now() - coldStart;
    const total: number[] = [];
    const read: number[] = [];
    const simulate: number[] = [];
    const write: number[] = [];
    let callsOfOne = 0;
    let storedBytes = 0;
    for (let i = 0; i < runs; i++) {
      const before = calls();
      const started = performance.now();
      const { record, writeMs } = await runForecast(deps);
      total.push(performance.now() - started);
      read.push(record.timings.readMs);
      simulate.push(record.timings.simulateMs);
      write.push(writeMs);
      callsOfOne = calls() - before;
      storedBytes = (await encodeForecast(record)).reduce((s, c) => s + c.length, 0);
    }
    return {
      orders,
      coldMs: round(coldMs),
      runs,
      warmMs: median(total),
      readMs: median(read),
      simulateMs: median(simulate),
      writeMs: median(write),
      calls: callsOfOne,
      storedBytes,
    };
  } finally {
    dynamodb.destroy();
    documents.destroy();
  }
}

/**
 * Starts DynamoDB Local, fills the tables of each plant size and warms DynamoDB Local up on them
 * (the service is always warm; a cold Lambda is not), then times the handler for each size in a
 * fresh process that `inFreshProcess` starts.
 */
export async function forecastHandlerBench(
  sizes: readonly number[],
  inFreshProcess: (endpoint: string, orders: number) => Promise<ForecastHandlerBenchRow>,
  progress: (text: string) => void = () => {},
): Promise<ForecastHandlerBenchRow[]> {
  const emulators = await startEmulators({ kinesis: 'kinesalite' });
  const clients = createClients(emulators.endpoints);
  const rows: ForecastHandlerBenchRow[] = [];
  try {
    for (const orders of sizes) {
      progress(`forecast handler, ${orders.toLocaleString('en')} active orders: filling the table`);
      const names = benchTables(orders);
      await provision(clients, names);
      await putItems(clients.documentClient, names.orderStateTable, syntheticStateItems(orders));
      const deps = {
        states: new DynamoDbStateStore(clients.dynamodb, names.orderStateTable),
        forecasts: new DynamoDbForecastStore(clients.documentClient, names.forecastsTable),
        logger: new Logger({ logLevel: 'SILENT' }),
      };
      for (let i = 0; i < 3; i++) await runForecast(deps);
      progress(`forecast handler, ${orders.toLocaleString('en')} active orders: cold, then warm`);
      rows.push(await inFreshProcess(emulators.endpoints.dynamodb, orders));
    }
    return rows;
  } finally {
    destroyClients(clients);
    await emulators.stop();
  }
}
