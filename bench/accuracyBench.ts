// `twin accuracy`'s reading on a long history: forecasts of a synthetic plant kept in history on
// DynamoDB Local, every order finished at some point of it; the comparison timed as the command
// runs it (list the history, read the forecasts it needs, compare).
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { resourceNames } from '../contracts/resources.ts';
import { accuracyFromTables } from '../forecast/accuracyFromTables.ts';
import { DynamoDbForecastStore } from '../forecast/DynamoDbForecastStore.ts';
import { createClients, destroyClients } from '../local/clients.ts';
import { startEmulators } from '../local/emulators/index.ts';
import { provision } from '../local/provision.ts';
import { forecast } from '../orderflow/index.ts';
import { syntheticSnapshot } from './workloads.ts';

export interface AccuracyBenchResult {
  orders: number;
  forecastsInHistory: number;
  forecastsRead: number;
  /** Each run: wall time and the client's CPU (ms). */
  runs: { ms: number; cpuMs: number }[];
}

const MIN = 60_000;

/** A history of `forecasts` forecasts of `orders` orders, a minute apart; `runs` comparisons of it. */
export async function accuracyBench(
  options: { orders?: number; forecasts?: number; runs?: number; progress?: (text: string) => void } = {},
): Promise<AccuracyBenchResult> {
  const orders = options.orders ?? 1_000;
  const forecasts = options.forecasts ?? 300;
  const progress = options.progress ?? (() => {});
  const running = await startEmulators({ kinesis: 'kinesalite' });
  const clients = createClients(running.endpoints);
  const names = resourceNames();
  try {
    await provision(clients, names);
    const snapshot = syntheticSnapshot(orders);
    const made = forecast(snapshot);
    const store = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    progress(`writing a history of ${forecasts} forecasts of ${orders} orders`);
    for (let i = 0; i < forecasts; i++) {
      await store.save({
        ...made,
        asOf: snapshot.asOf + i * MIN,
        generatedAt: Date.now(),
        stateVersion: { latestEventAt: snapshot.asOf, activeOrders: orders },
        timings: { readMs: 0, simulateMs: 0 },
      });
    }
    // Every order finished half a minute after one of the forecasts, spread over the history.
    const finished = made.orders.map((o, i) => ({
      orderId: o.orderId,
      status: 'finished',
      productionFinishedAt: snapshot.asOf + ((i * 7) % forecasts) * MIN + 30_000,
      ...(o.dueAt !== undefined && { dueAt: o.dueAt }),
    }));
    for (let i = 0; i < finished.length; i += 25) {
      const batch = finished.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      await clients.documentClient.send(
        new BatchWriteCommand({ RequestItems: { [names.orderStateTable]: batch } }),
      );
    }
    const runs: AccuracyBenchResult['runs'] = [];
    let read = 0;
    for (let run = 1; run <= (options.runs ?? 3); run++) {
      progress(`comparing, run ${run}`);
      const started = performance.now();
      const cpu = process.cpuUsage();
      const report = await accuracyFromTables(clients, { names });
      const used = process.cpuUsage(cpu);
      runs.push({
        ms: Math.round(performance.now() - started),
        cpuMs: Math.round((used.user + used.system) / 1000),
      });
      read = report.history.read;
    }
    return { orders, forecastsInHistory: forecasts, forecastsRead: read, runs };
  } finally {
    destroyClients(clients);
    await running.stop();
  }
}
