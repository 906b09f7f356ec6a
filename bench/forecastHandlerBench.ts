// Forecast Lambda benchmark: handler latency (read the snapshot, simulate, write) for plants of
// 100, 1,000 and 10,000 active orders on DynamoDB Local.
import { Logger } from '@aws-lambda-powertools/logger';
import { encodeForecast } from '../contracts/forecastItem.ts';
import { resourceNames } from '../contracts/resources.ts';
import { DynamoDbForecastStore } from '../forecast/DynamoDbForecastStore.ts';
import { runForecast } from '../forecast/forecastHandler.ts';
import { createClients, destroyClients } from '../local/clients.ts';
import { startEmulators } from '../local/emulators/index.ts';
import { provision } from '../local/provision.ts';
import { quantileOf } from '../sim-core/quantile.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { countCalls } from './sdkCalls.ts';
import { putItems, syntheticStateItems } from './stateItems.ts';

export interface ForecastHandlerBenchRow {
  orders: number;
  runs: number;
  /** Medians of the whole run and of its parts (ms). */
  totalMs: number;
  readMs: number;
  simulateMs: number;
  writeMs: number;
  /** DynamoDB calls of one run (reads and writes). */
  calls: number;
  /** Size of the compressed forecast (bytes). */
  storedBytes: number;
}

const median = (xs: number[]) => quantileOf(xs, 0.5);
const round = (x: number) => Math.round(x * 10) / 10;

/** Measures the forecast handler's work against DynamoDB Local for each plant size. */
export async function forecastHandlerBench(
  sizes: readonly number[] = [100, 1_000, 10_000],
  options: { runs?: number; progress?: (text: string) => void } = {},
): Promise<ForecastHandlerBenchRow[]> {
  const runs = options.runs ?? 5;
  const progress = options.progress ?? (() => {});
  const running = await startEmulators({ kinesis: 'kinesalite' });
  const clients = createClients(running.endpoints);
  const counters = [countCalls(clients.dynamodb), countCalls(clients.documentClient)];
  const counted = {
    get calls() {
      return counters.reduce((sum, c) => sum + c.calls, 0);
    },
  };
  const rows: ForecastHandlerBenchRow[] = [];
  try {
    for (const n of sizes) {
      progress(`forecast handler, ${n.toLocaleString('en')} active orders: filling the table`);
      const names = resourceNames(`bench-${n}-`);
      await provision(clients, names);
      await putItems(clients.documentClient, names.orderStateTable, syntheticStateItems(n));
      const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
      const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
      const deps = { states, forecasts, logger: new Logger({ logLevel: 'SILENT' }) };
      progress(`forecast handler, ${n.toLocaleString('en')} active orders: ${runs} runs after a warm-up`);
      await runForecast(deps);
      const total: number[] = [];
      const read: number[] = [];
      const simulate: number[] = [];
      const write: number[] = [];
      let calls = 0;
      let storedBytes = 0;
      for (let i = 0; i < runs; i++) {
        const before = counted.calls;
        const started = performance.now();
        const { record, writeMs } = await runForecast(deps);
        total.push(performance.now() - started);
        read.push(record.timings.readMs);
        simulate.push(record.timings.simulateMs);
        write.push(writeMs);
        calls = counted.calls - before;
        storedBytes = (await encodeForecast(record)).reduce((s, c) => s + c.length, 0);
      }
      rows.push({
        orders: n,
        runs,
        totalMs: round(median(total)),
        readMs: round(median(read)),
        simulateMs: round(median(simulate)),
        writeMs: round(median(write)),
        calls,
        storedBytes,
      });
    }
    return rows;
  } finally {
    destroyClients(clients);
    await running.stop();
  }
}
