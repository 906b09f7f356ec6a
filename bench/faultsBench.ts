// Faults benchmark (`twin bench faults`, and the fault tests): the embedded twin runs the `steady`
// scenario at about 100 events/s while DynamoDB throttles and times out writes and stream reads are
// throttled (injected through the SDK's middleware, bench/faultInjection.ts), then DynamoDB Local
// and kinesalite are killed with SIGKILL, and the twin restarts them. Afterwards the order state is
// checked against the reducer's fold of every record in the stream: what a fault-free run of the
// same events gives. Nothing may be lost or applied twice, and the failure destination may hold
// only the poison records published on purpose.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { statusLine } from '../cli/commands/start.ts';
import { resourceNames } from '../contracts/resources.ts';
import { DynamoDbForecastStore } from '../forecast/DynamoDbForecastStore.ts';
import {
  type AwsClients,
  createClients,
  createPollerClients,
  destroyClients,
  type Endpoints,
} from '../local/clients.ts';
import { readAllRecords } from '../local/kinesisEvent.ts';
import { type RunningTwin, startTwin, type TwinStatus } from '../local/runtime.ts';
import { applyEvent, type StoredOrderState } from '../state/applyEvent.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { isPlantEvent, parseEvent } from '../state/events.ts';
import { FaultInjector, type FaultKind, type FaultRates, ISSUE_FAULTS } from './faultInjection.ts';

/**
 * The `steady` scenario sends about 34 events per plant hour (an order every 12 minutes, about 7
 * events each): at this speed, about 100 events per second.
 */
export const STEADY_SPEED = 10_500;
/** Plant time long enough that orders keep arriving for as long as a run lasts. */
const FOREVER_MS = 10_000 * 3_600_000;
/** Poison records published on purpose during the faults. */
const POISON = 3;

/** The `clients` option of `startTwin` that installs `faults` on every client the twin uses. */
export function faultyClients(faults: FaultInjector) {
  return (endpoints: Endpoints) => {
    const handlers = createClients(endpoints);
    const pollers = createPollerClients(endpoints);
    faults.install({ ...handlers });
    faults.install({ ...pollers });
    return { handlers, pollers };
  };
}

/** Polls `check` every `everyMs` until it returns something truthy; fails after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs: number, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${Math.round(timeoutMs / 1000)} s`);
    await delay(everyMs);
  }
}

/** How the twin's order state compares with the fold of every event in its stream. */
export interface StateCheck {
  /** Records in the stream that are valid events, and those that are not (poison). */
  events: number;
  poison: number;
  orders: number;
  /** Orders whose item differs from the fold's (first ones in `differing`). */
  ordersDiffering: number;
  differing: { orderId: string; expected?: StoredOrderState; actual?: StoredOrderState }[];
  /** Changes the fold made that the state lacks, and changes the state has beyond the fold's. */
  eventsLost: number;
  duplicatesApplied: number;
  /** The latest event's time (epoch ms), which a forecast of the final state reflects. */
  lastEventAt: number;
}

/** Without attributes left undefined, as DynamoDB stores an item. */
const plain = (state: StoredOrderState | undefined) =>
  state === undefined ? undefined : JSON.parse(JSON.stringify(state));

/** Compares the order state in `clients`' table with the reducer's fold of every record in the stream. */
export async function checkState(clients: AwsClients): Promise<StateCheck> {
  const names = resourceNames();
  const expected = new Map<string, StoredOrderState>();
  let events = 0;
  let poison = 0;
  let lastEventAt = 0;
  for (const shard of await readAllRecords(clients.kinesis, names.stream)) {
    for (const record of shard.records) {
      const parsed = parseEvent(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
      if (!parsed.ok) {
        poison++;
        continue;
      }
      if (isPlantEvent(parsed.event)) continue;
      events++;
      lastEventAt = Math.max(lastEventAt, parsed.event.at);
      const next = applyEvent(expected.get(parsed.event.orderId), parsed.event);
      if (next) expected.set(parsed.event.orderId, next);
    }
  }
  const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
  const check: StateCheck = {
    events,
    poison,
    orders: expected.size,
    ordersDiffering: 0,
    differing: [],
    eventsLost: 0,
    duplicatesApplied: 0,
    lastEventAt,
  };
  const ids = [...expected.keys()];
  const compare = async (orderId: string) => {
    const want = expected.get(orderId)!;
    const actual = await states.get(orderId);
    const versions = (actual?.version ?? 0) - want.version;
    if (versions < 0) check.eventsLost -= versions;
    else check.duplicatesApplied += versions;
    if (!isDeepStrictEqual(plain(actual), plain(want))) {
      check.ordersDiffering++;
      if (check.differing.length < 3)
        check.differing.push({ orderId, expected: want, ...(actual && { actual }) });
    }
  };
  for (let i = 0; i < ids.length; i += 16) await Promise.all(ids.slice(i, i + 16).map(compare));
  // An item of an order no event made would be a change out of nowhere.
  const scanned = await clients.documentClient.send(
    new ScanCommand({ TableName: names.orderStateTable, Select: 'COUNT' }),
  );
  check.ordersDiffering += Math.max(0, (scanned.Count ?? 0) - expected.size);
  return check;
}

/** Publishes one record that is no order event (poison, on purpose). */
export async function publishPoison(clients: AwsClients, tag: string): Promise<void> {
  await clients.kinesis.send(
    new PutRecordsCommand({
      StreamName: resourceNames().stream,
      Records: [{ PartitionKey: `poison-${tag}`, Data: Buffer.from(`{"poison": "${tag}"`) }],
    }),
  );
}

/** The failure destination's records (the twin's failures.jsonl). */
export async function failuresOf(twin: RunningTwin): Promise<{ partitionKey: string; reason: string }[]> {
  try {
    const text = await readFile(join(twin.dataDir, 'failures.jsonl'), 'utf8');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Waits until the ingest has taken in everything published so far (and `extra` records published
 * beside the plant emulator) and a forecast has been made after that; resolves with that forecast's time.
 */
export async function caughtUp(twin: RunningTwin, extra: number, timeoutMs: number): Promise<number> {
  const target = twin.status().eventsPublished + extra;
  const inAt = await until(
    'catching up',
    () => (twin.status().eventsIn >= target ? Date.now() : 0),
    timeoutMs,
    50,
  );
  return until(
    'forecast after catching up',
    () => {
      const at = twin.status().lastForecast?.generatedAt ?? 0;
      return at >= inAt ? at : 0;
    },
    timeoutMs,
    50,
  );
}

export interface OutageResult {
  emulator: 'DynamoDB Local' | 'kinesalite';
  /** From the SIGKILL until the twin found the service answering again (ms). */
  downMs: number;
  /** From then until the ingest had taken in what was published meanwhile and a forecast of it was made (ms). */
  recoveredMs: number;
  /** Requests the twin sent to the service while it was down (every SDK attempt, probes included), per second. */
  requestsPerSecond: number;
  /** The status line while the service was down. */
  statusLine: string;
}

/** Kills an emulator of the twin with SIGKILL and follows the twin until it has recovered. */
export async function killAndRecover(
  twin: RunningTwin,
  faults: FaultInjector,
  emulator: 'dynamodb-local' | 'kinesalite',
  extra: number,
): Promise<OutageResult> {
  const service = emulator === 'dynamodb-local' ? 'dynamodb' : 'kinesis';
  const attempts = () =>
    service === 'dynamodb'
      ? faults.traffic.dynamodb.attempts + faults.traffic.dynamodbStreams.attempts
      : faults.traffic.kinesis.attempts;
  const { pid } = twin.emulators().find((e) => e.name === emulator)!;
  const outagesBefore = twin.status().services[service].outages;
  const before = attempts();
  const killedAt = Date.now();
  process.kill(pid, 'SIGKILL');
  const [down, seenAt] = await until(
    `${emulator} reported unreachable`,
    (): [TwinStatus, number] | undefined => {
      const status = twin.status();
      return status.services[service].state === 'unreachable' ? [status, Date.now()] : undefined;
    },
    10_000,
    20,
  );
  const back = await until(
    `${emulator} back`,
    () => {
      const { state, outages, since } = twin.status().services[service];
      return state === 'up' && outages > outagesBefore ? since : 0;
    },
    120_000,
    20,
  );
  const during = attempts() - before;
  const forecastAt = await caughtUp(twin, extra, 120_000);
  return {
    emulator: emulator === 'dynamodb-local' ? 'DynamoDB Local' : 'kinesalite',
    downMs: back - killedAt,
    recoveredMs: forecastAt - back,
    requestsPerSecond: Math.round((during / Math.max(1, back - killedAt)) * 1000 * 10) / 10,
    statusLine: statusLine(down, seenAt),
  };
}

export interface FaultsBenchResult {
  /** Seconds of injected throttling and timeouts, and the chance of each fault. */
  faultSeconds: number;
  rates: FaultRates;
  /** Events the plant emulator published per second while the faults were on. */
  eventsPerSecond: number;
  injected: Record<FaultKind, number>;
  /** Retries the SDK made (attempts beyond a command's first), per service, over the whole run. */
  sdkRetries: { dynamodb: number; kinesis: number; dynamodbStreams: number };
  /** Reads and handler invocations the pollers tried again after the SDK gave up. */
  pollerRetries: number;
  /** Records the plant emulator's publisher sent again. */
  publishRetries: number;
  /** From the faults' end until the ingest had caught up and a forecast of it was made (ms). */
  forecastsCurrentMs: number;
  outages: OutageResult[];
  eventsPublished: number;
  state: StateCheck;
  /** Records in the failure destination, and those of them that are the poison published on purpose. */
  failures: number;
  poisonFailures: number;
  poisonPublished: number;
}

export interface FaultsBenchOptions {
  /** Seconds of throttling and timeouts (0: none). */
  faultSeconds: number;
  /** The faults' rates (default: the issue's, ISSUE_FAULTS). */
  rates?: FaultRates;
  /** Kill DynamoDB Local and kinesalite afterwards. */
  outages: boolean;
  seed?: number;
  progress?: (text: string) => void;
  /** The twin's log lines. */
  log?: (line: string) => void;
}

/** Runs the faults benchmark; see the file's comment. */
export async function faultsBench(options: FaultsBenchOptions): Promise<FaultsBenchResult> {
  const progress = options.progress ?? (() => {});
  const seed = options.seed ?? 1;
  const faults = new FaultInjector(options.rates ?? ISSUE_FAULTS, seed);
  faults.enabled = options.faultSeconds > 0;
  const dataDir = await mkdtemp(join(tmpdir(), 'twin-faults-'));
  let pollerRetries = 0;
  progress('starting the embedded twin ...');
  const twin = await startTwin({
    dataDir,
    port: 0,
    scenario: 'steady',
    speed: STEADY_SPEED,
    seed,
    duration: FOREVER_MS,
    clients: faultyClients(faults),
    log: (line) => {
      if (line.startsWith('handler failed:')) pollerRetries++;
      options.log?.(line);
    },
  });
  const clients = createClients(twin.endpoints);
  try {
    // Throttling and timeouts, with poison records on purpose along the way.
    let poisonPublished = 0;
    const startedAt = Date.now();
    const publishedBefore = twin.status().eventsPublished;
    const faultMs = options.faultSeconds * 1000;
    while (Date.now() - startedAt < faultMs) {
      const elapsed = Date.now() - startedAt;
      if (poisonPublished < POISON && elapsed >= ((poisonPublished + 1) * faultMs) / (POISON + 1)) {
        await publishPoison(clients, String(++poisonPublished));
      }
      progress(
        `faults on: ${Math.round(elapsed / 1000)} of ${options.faultSeconds} s, ${statusLine(twin.status())}`,
      );
      await delay(Math.min(1_000, Math.max(0, faultMs - elapsed)));
    }
    const eventsPerSecond =
      options.faultSeconds > 0
        ? Math.round((twin.status().eventsPublished - publishedBefore) / options.faultSeconds)
        : 0;
    faults.enabled = false;
    const offAt = Date.now();
    progress('faults off: waiting for the twin to catch up ...');
    const forecastsCurrentMs = (await caughtUp(twin, poisonPublished, 120_000)) - offAt;

    const outages: OutageResult[] = [];
    if (options.outages) {
      for (const emulator of ['dynamodb-local', 'kinesalite'] as const) {
        progress(`killing ${emulator} with SIGKILL ...`);
        outages.push(await killAndRecover(twin, faults, emulator, poisonPublished));
      }
    }

    progress('stopping the plant emulator, checking the state ...');
    await twin.stopEmulator();
    const eventsPublished = twin.status().eventsPublished;
    await until(
      'the last events in',
      () => twin.status().eventsIn >= eventsPublished + poisonPublished,
      120_000,
    );
    const state = await checkState(clients);
    const forecasts = new DynamoDbForecastStore(clients.documentClient, resourceNames().forecastsTable);
    await until(
      'a forecast of the final state',
      async () => ((await forecasts.latest())?.stateVersion.latestEventAt ?? 0) >= state.lastEventAt,
      60_000,
      200,
    );
    const failures = await failuresOf(twin);
    return {
      faultSeconds: options.faultSeconds,
      rates: faults.rates,
      eventsPerSecond,
      injected: { ...faults.injected },
      sdkRetries: {
        dynamodb: faults.retries('dynamodb'),
        kinesis: faults.retries('kinesis'),
        dynamodbStreams: faults.retries('dynamodbStreams'),
      },
      pollerRetries,
      publishRetries: twin.status().publishRetries,
      forecastsCurrentMs,
      outages,
      eventsPublished,
      state,
      failures: failures.length,
      poisonFailures: failures.filter(
        (f) => f.partitionKey.startsWith('poison-') && /not valid JSON/.test(f.reason),
      ).length,
      poisonPublished,
    };
  } finally {
    destroyClients(clients);
    await twin.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
