// The forecast in effect at a time, from the forecast history: the latest made at or before it. The
// observer asks it for each finished step and horizon. On DynamoDB a lookup is one Query with a key
// condition and a small Limit (never a scan of history); the forecasts it reads past are remembered,
// so that the longer horizons, which look back over what the shorter ones saw, need none. A forecast
// once read is kept for the next batches (a container serves many).
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { headKeyOf, readForecastAt } from '../contracts/forecastItem.ts';
import { ForecastKeys, type ForecastRecord, type ModelSummary } from '../contracts/forecastRecord.ts';
import { latestAtOrBefore, type PastForecast, pastForecast } from './accuracy.ts';

/** A forecast of history as the observer reads it: what it said, and its model's routings. */
export interface HistoricForecast extends PastForecast {
  model: Pick<ModelSummary, 'products' | 'defaultProduct'>;
}

/** The latest forecast's version: when it was made (wall clock) and the latest event time in its state. */
export interface ForecastVersionLag {
  generatedAt: number;
  latestEventAt: number;
}

export interface ForecastHistory {
  /** The latest forecast made at or before `t` (plant time), if any. */
  inEffectAt(t: number): Promise<HistoricForecast | undefined>;
  /** The latest forecast's version, if any (for the data latency). */
  latestVersion(): Promise<ForecastVersionLag | undefined>;
}

const historic = (record: ForecastRecord): HistoricForecast => ({
  ...pastForecast(record),
  model: { products: record.model.products, defaultProduct: record.model.defaultProduct },
});

/** History from a list of forecast records (tests; InMemoryForecastStore's `history`). */
export class InMemoryForecastHistory implements ForecastHistory {
  constructor(private readonly records: readonly ForecastRecord[]) {}

  async inEffectAt(t: number): Promise<HistoricForecast | undefined> {
    let best: ForecastRecord | undefined;
    for (const r of this.records) if (r.asOf <= t && (best === undefined || r.asOf >= best.asOf)) best = r;
    return best && historic(best);
  }

  async latestVersion(): Promise<ForecastVersionLag | undefined> {
    let latest: ForecastRecord | undefined;
    for (const r of this.records) if (latest === undefined || r.asOf > latest.asOf) latest = r;
    return latest && { generatedAt: latest.generatedAt, latestEventAt: latest.stateVersion.latestEventAt };
  }
}

/** Forecasts kept once read: a batch's steps and the next batches mostly look at the same few. */
const CACHED_FORECASTS = 32;

/**
 * History items a lookup reads at once, from the time asked down: a small forecast's head, its
 * recommendations and those of a few forecasts before it, so that one lookup also learns what was made
 * just before, and joins what the lookups before it learned.
 */
const LOOKUP_PAGE = 8;

/**
 * History heads remembered per plant: about an hour of forecasts made every second, which the longest
 * horizon looks back over.
 */
const KNOWN_HEADS = 4_096;

/** A forecast of history: its asOf and its head item's sort key. */
interface Head {
  asOf: number;
  key: string;
}

/** The history in the forecasts table (see the file comment). */
export class DynamoDbForecastHistory implements ForecastHistory {
  private readonly cache = new Map<string, Promise<HistoricForecast | undefined>>();
  /**
   * What the lookups so far have learned of history: runs of heads, each ascending and with no other
   * forecast made between its first and its last (a lookup reads history's items in key order), the
   * runs ascending and apart. The forecast in effect at a time within a run needs no lookup: the
   * longer horizons look back over what the shorter ones learned. A run ends at its newest head, not
   * at the time asked: a forecast made since, or still being written, is looked for again.
   */
  private runs: Head[][] = [];

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The plant whose history it is (default: the default plant). */
    private readonly plantId?: string,
  ) {}

  async inEffectAt(t: number): Promise<HistoricForecast | undefined> {
    if (!Number.isFinite(t) || t < 0) return undefined;
    const head = this.knownAt(t) ?? (await this.lookUp(t));
    if (head === undefined) return undefined;
    let forecast = this.cache.get(head);
    if (forecast === undefined) {
      forecast = readForecastAt(this.client, this.tableName, head, this.plantId).then(
        (r) => r && historic(r),
      );
      // A failed read is not kept: the next batch asks again.
      forecast.catch(() => this.cache.delete(head));
      this.cache.set(head, forecast);
      if (this.cache.size > CACHED_FORECASTS) this.cache.delete(this.cache.keys().next().value!);
    }
    return forecast;
  }

  /** The head key of the forecast in effect at `t`, when a run learned holds it. */
  private knownAt(t: number): string | undefined {
    for (const run of this.runs) {
      if (run.at(-1)!.asOf < t) continue;
      const i = latestAtOrBefore(run, t, (head) => head.asOf);
      if (i >= 0) return run[i]!.key;
    }
    return undefined;
  }

  /**
   * The head key of the forecast in effect at `t`, from the table: history keys sort by time
   * (`history#<ISO asOf>`), a head's chunks (`…#001`) and recommendations right after it, so the
   * greatest key at or below the key of `t` is an item of the forecast in effect. The items read
   * with it, down from there, are learned as a run.
   */
  private async lookUp(t: number): Promise<string | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': ForecastKeys.partitionOf(this.plantId),
          ':from': ForecastKeys.historyPrefix,
          ':to': ForecastKeys.history(t),
        },
        ProjectionExpression: 'sk',
        ScanIndexForward: false,
        Limit: LOOKUP_PAGE,
      }),
    );
    // Newest first. The last may be a chunk of a forecast whose head was not read: its head is known
    // all the same.
    const keys = [...new Set((Items ?? []).map((item) => headKeyOf(item.sk as string)))];
    if (keys.length === 0) return undefined;
    this.learn(keys.reverse().map((key) => ({ asOf: ForecastKeys.historyAsOf(key), key })));
    return keys.at(-1);
  }

  /** Adds a run of heads (ascending) to those learned, joined with any it meets. */
  private learn(run: Head[]): void {
    let merged = run;
    const rest: Head[][] = [];
    for (const known of this.runs) {
      if (known.at(-1)!.asOf < merged[0]!.asOf || known[0]!.asOf > merged.at(-1)!.asOf) rest.push(known);
      else {
        // Both hold every head of the time they share: the newer lookup's are taken for it.
        const first = merged[0]!.asOf;
        const last = merged.at(-1)!.asOf;
        merged = [...known.filter((h) => h.asOf < first), ...merged, ...known.filter((h) => h.asOf > last)];
      }
    }
    rest.push(merged);
    rest.sort((a, b) => a[0]!.asOf - b[0]!.asOf);
    // The oldest are let go first.
    let heads = rest.reduce((n, r) => n + r.length, 0);
    while (heads > KNOWN_HEADS) {
      const oldest = rest[0]!;
      const drop = Math.min(oldest.length, heads - KNOWN_HEADS);
      if (drop === oldest.length) rest.shift();
      else oldest.splice(0, drop);
      heads -= drop;
    }
    this.runs = rest;
  }

  async latestVersion(): Promise<ForecastVersionLag | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: ForecastKeys.partitionOf(this.plantId), sk: ForecastKeys.latest },
        ProjectionExpression: 'generatedAt, stateVersion',
      }),
    );
    const latestEventAt = (Item?.stateVersion as { latestEventAt?: number } | undefined)?.latestEventAt;
    if (typeof Item?.generatedAt !== 'number' || typeof latestEventAt !== 'number') return undefined;
    return { generatedAt: Item.generatedAt, latestEventAt };
  }
}
