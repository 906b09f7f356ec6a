// The forecast in effect at a time, from the forecast history: the latest made at or before it. The
// observer asks it for each finished step and horizon. On DynamoDB a lookup is one Query with a key
// condition (never a scan of history) that reads down to the newest forecast already known, no
// further; what it reads is remembered, so that the longer horizons, which look back over what the
// shorter ones saw, need none. DynamoDB bills a Query by the whole items it reads, a forecast's data
// included: a lookup reads as few as it can. A forecast once read is kept for the next batches (a
// container serves many).
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterItemsOf, headKeyOf, readForecastAt } from '../contracts/forecastItem.ts';
import { ForecastKeys, type ForecastRecord, type ModelSummary } from '../contracts/forecastRecord.ts';
import { latestAtOrBefore, type PastForecast, pastForecast } from './accuracy.ts';
import { LOOKUP_PAGE } from './observerSettings.ts';

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
    /** History heads remembered, the oldest let go first (default: about an hour of forecasts made every second). */
    private readonly knownHeads = KNOWN_HEADS,
  ) {}

  async inEffectAt(t: number): Promise<HistoricForecast | undefined> {
    if (!Number.isFinite(t) || t < 0) return undefined;
    const known = this.locate(t);
    const head = known.inEffect ?? (await this.lookUp(t, known.before));
    if (head === undefined) return undefined;
    let forecast = this.cache.get(head);
    if (forecast === undefined) {
      // Eventually consistent: a forecast in effect a horizon ago was written minutes before.
      forecast = readForecastAt(this.client, this.tableName, head, this.plantId, false).then(
        (r) => r && historic(r),
      );
      // Neither a failed read nor one that found nothing is kept: the next batch asks again.
      forecast.then(
        (f) => f === undefined && this.cache.delete(head),
        () => this.cache.delete(head),
      );
      this.cache.set(head, forecast);
      if (this.cache.size > CACHED_FORECASTS) this.cache.delete(this.cache.keys().next().value!);
    }
    return forecast;
  }

  /**
   * Where `t` lies in what the lookups learned: the head key of the forecast in effect, when a run
   * holds it; otherwise the newest head learned before `t`, down to which a lookup reads.
   */
  private locate(t: number): { inEffect?: string; before?: Head } {
    let before: Head | undefined;
    for (const run of this.runs) {
      const last = run.at(-1)!;
      if (last.asOf < t) {
        before = last;
        continue;
      }
      const i = latestAtOrBefore(run, t, (head) => head.asOf);
      // Before this run's first head: the runs after it begin later still.
      return i >= 0 ? { inEffect: run[i]!.key } : { before };
    }
    return { before };
  }

  /**
   * The head key of the forecast in effect at `t`, from the table: history keys sort by time
   * (`history#<ISO asOf>`), a head's chunks (`…#001`) and recommendations right after it, so the
   * greatest key at or below the key of `t` is an item of the forecast in effect. A lookup reads
   * down from there to `known`, the newest head learned before `t`, no further: the forecasts made
   * since it, which join its run (all of them, when fewer than a page). With none learned before
   * `t`, it reads one item: the forecast in effect, which later lookups join.
   */
  private async lookUp(t: number, known: Head | undefined): Promise<string | undefined> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': ForecastKeys.partitionOf(this.plantId),
          ':from': known === undefined ? ForecastKeys.historyPrefix : afterItemsOf(known.key),
          ':to': ForecastKeys.history(t),
        },
        ProjectionExpression: 'sk',
        ScanIndexForward: false,
        Limit: known === undefined ? 1 : LOOKUP_PAGE,
      }),
    );
    // Newest first. The last may be a chunk of a forecast whose head was not read: its head is known
    // all the same.
    const heads = [...new Set((Items ?? []).map((item) => headKeyOf(item.sk as string)))]
      .reverse()
      .map((key) => ({ asOf: ForecastKeys.historyAsOf(key), key }));
    // Read down to the newest learned: nothing else was made between it and these.
    const joined = known !== undefined && LastEvaluatedKey === undefined ? [known, ...heads] : heads;
    if (joined.length === 0) return undefined;
    this.learn(joined);
    return joined.at(-1)!.key;
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
    while (heads > this.knownHeads) {
      const oldest = rest[0]!;
      const drop = Math.min(oldest.length, heads - this.knownHeads);
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
