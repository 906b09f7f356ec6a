// The forecast items of the forecasts table, as the forecast writes them and the dashboard reads them.
// Forecasts are stored compressed (Brotli; gzip in items written before, which stay readable) and,
// when large, split into chunks: a forecast of 10,000 orders is about 8 MB of JSON and 0.6 MB
// compressed, over DynamoDB's 400 KB item limit. A forecast is a head item (its key, e.g. `latest`;
// the summary attributes; `chunks`, the number of chunks; `encoding`, how `data` is compressed;
// `forecastId`; the first chunk in `data`) and, if there are more chunks, one item each under the
// head's key + `#001`, `#002`, … with the same `forecastId`. The twin's recommendations follow the
// forecast (they are looked for once it is written, so that it is readable at once): a small item
// under the head's key + `#recommendations`, with the `forecastAsOf` and `forecastGeneratedAt` of
// the forecast they are for, read with the head and put into the record when that forecast is the
// one read.
// Compression runs on libuv's thread pool, not the event loop: for a large forecast it takes a
// good part of the write (`twin bench forecast-handler`), time in which the embedded twin's ingest
// and dashboard, in the same process, would otherwise stand still.
import { promisify } from 'node:util';
import {
  brotliCompress as brotliCallback,
  constants,
  gunzip as gunzipCallback,
  brotliDecompress as unbrotliCallback,
} from 'node:zlib';
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  ForecastKeys,
  type ForecastRecommendation,
  type ForecastRecord,
  type PlantSummary,
} from './forecastRecord.ts';
import { DEFAULT_PLANT } from './plants.ts';
import { ForecastsTable } from './resources.ts';

/** Bytes of compressed forecast per item: well under 400 KB, with room for keys and attributes. */
export const CHUNK_BYTES: number = ForecastsTable.chunkBytes;

const brotli = promisify(brotliCallback);
const unbrotli = promisify(unbrotliCallback);
const gunzip = promisify(gunzipCallback);

/** How the forecasts are stored (a head item's `encoding`): JSON, Brotli-compressed. */
export const FORECAST_ENCODING = 'br-json';
/** The encoding of forecasts written before Brotli, and of head items that name none. */
const GZIP_ENCODING = 'gzip-json';

/**
 * Brotli's quality and window for forecasts: at quality 5 a forecast is a fifth smaller than with
 * gzip at its default level (fewer write units, twice per forecast), in about the same time; higher
 * qualities gain a few percent more for several times the time. A window of 64 KB (2^16) compresses
 * a forecast as well as larger ones (its orders repeat the same few shapes), and costs the encoder
 * less memory to set up: half the CPU of the default window when many forecasts are compressed at
 * once (the embedded twin's plants).
 */
const BROTLI_QUALITY = 5;
const BROTLI_WINDOW_BITS = 16;

/** The forecast as compressed JSON (`FORECAST_ENCODING`), cut into chunks of at most `chunkBytes`. */
export async function encodeForecast(
  record: ForecastRecord,
  chunkBytes = CHUNK_BYTES,
): Promise<Uint8Array[]> {
  const json = Buffer.from(JSON.stringify(record), 'utf8');
  const compressed = await brotli(json, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS,
    },
  });
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < compressed.length; offset += chunkBytes) {
    chunks.push(compressed.subarray(offset, offset + chunkBytes));
  }
  return chunks.length > 0 ? chunks : [compressed];
}

/** The forecast from its chunks, in order, stored with `encoding` (default: gzip, as before there was a choice). */
export async function decodeForecast(
  chunks: readonly Uint8Array[],
  encoding: string = GZIP_ENCODING,
): Promise<ForecastRecord> {
  const data = Buffer.concat(chunks.map((c) => Buffer.from(c)));
  let json: Buffer;
  if (encoding === FORECAST_ENCODING) json = await unbrotli(data);
  else if (encoding === GZIP_ENCODING) json = await gunzip(data);
  else {
    throw new Error(
      `a stored forecast's encoding is ${JSON.stringify(encoding)}, which this twin cannot read (it reads ${FORECAST_ENCODING} and ${GZIP_ENCODING}): is a newer version of the twin writing to the table?`,
    );
  }
  return JSON.parse(json.toString('utf8')) as ForecastRecord;
}

/** The sort key of chunk `i` (from 1) of the forecast whose head item has sort key `base`. */
export const chunkKey = (base: string, i: number) => `${base}#${String(i).padStart(3, '0')}`;

/** The sort key of the recommendations of the forecast whose head item has sort key `base`. */
export const recommendationsKey = (base: string) => `${base}#recommendations`;

/** The head item's key of item `sk`: a chunk's key is its head's and `#NNN`, the recommendations' its head's and `#recommendations`. */
export const headKeyOf = (sk: string) => sk.replace(/#(\d{3}|recommendations)$/, '');

/**
 * A key above every item of the forecast whose head item has sort key `base` (its chunks and
 * recommendations follow it with `#`, which `~` sorts after) and below the next forecast's head: a
 * history head's key differs from a later one's within its time, before any `#`.
 */
export const afterItemsOf = (base: string) => `${base}#~`;

/** The recommendations item's attributes besides its keys. */
export interface RecommendationsItem {
  /** The asOf of the forecast they are for: another forecast's are not its. */
  forecastAsOf: number;
  /** When that forecast was generated: one of the same moment made later has its own (absent in older items). */
  forecastGeneratedAt?: number;
  recommendations: ForecastRecommendation[];
  recommendMs: number;
}

/** `record` with the recommendations of `item`, if they are for it. */
function withRecommendations(
  record: ForecastRecord,
  item: Record<string, unknown> | undefined,
): ForecastRecord {
  if (item === undefined) return record;
  const { forecastAsOf, forecastGeneratedAt, recommendations, recommendMs } =
    item as unknown as RecommendationsItem;
  if (forecastAsOf !== record.asOf) return record;
  if (forecastGeneratedAt !== undefined && forecastGeneratedAt !== record.generatedAt) return record;
  return { ...record, recommendations, timings: { ...record.timings, recommendMs } };
}

/**
 * The latest forecast of plant `plantId` in `tableName`, if any: one Query of the head and its chunks in the common
 * case (see `readForecastAt`).
 */
export function readLatestForecast(
  client: DynamoDBDocumentClient,
  tableName: string,
  plantId: string = DEFAULT_PLANT,
): Promise<ForecastRecord | undefined> {
  return readForecastAt(client, tableName, ForecastKeys.latest, plantId);
}

/**
 * The forecast whose head item has sort key `key` (`latest`, or one of history), if any. A Query
 * may see a transaction's items from before and after it: the chunks must all carry the head's
 * `forecastId`, else it reads again.
 */
export async function readForecastAt(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: string,
  plantId: string = DEFAULT_PLANT,
  /**
   * Whether to read strongly consistently (default). A forecast of history some minutes old can be
   * read eventually consistently, at half the read units: its items are written once.
   */
  consistent = true,
): Promise<ForecastRecord | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const items = await queryAll(client, {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :key)',
      ExpressionAttributeValues: { ':pk': ForecastKeys.partitionOf(plantId), ':key': key },
      ConsistentRead: consistent,
    });
    const head = items.find((i) => i.sk === key);
    if (head === undefined) return undefined;
    const count = head.chunks as number;
    const chunks = [head.data as Uint8Array];
    for (let i = 1; i < count; i++) {
      const chunk = items.find((item) => item.sk === chunkKey(key, i));
      if (chunk === undefined || chunk.forecastId !== head.forecastId) break;
      chunks.push(chunk.data as Uint8Array);
    }
    if (chunks.length === count) {
      const recommendations = items.find((item) => item.sk === recommendationsKey(key));
      const encoding = typeof head.encoding === 'string' ? head.encoding : undefined;
      return withRecommendations(await decodeForecast(chunks, encoding), recommendations);
    }
  }
  throw new Error(`the forecast ${key} kept changing while it was read`);
}

/** A forecast kept in history: when it was made (plant time) and the sort key of its head item. */
export interface HistoryEntry {
  asOf: number;
  key: string;
}

/**
 * The forecasts kept in history, oldest first, without their data (head items' keys and asOf
 * only): an index from which to read the few that are needed (`readForecastAt`).
 */
export async function listForecastHistory(
  client: DynamoDBDocumentClient,
  tableName: string,
  plantId: string = DEFAULT_PLANT,
): Promise<HistoryEntry[]> {
  const items = await queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :history)',
    ProjectionExpression: 'sk, #asOf',
    ExpressionAttributeNames: { '#asOf': 'asOf' },
    ExpressionAttributeValues: {
      ':pk': ForecastKeys.partitionOf(plantId),
      ':history': ForecastKeys.historyPrefix,
    },
  });
  // Chunk items carry no asOf: only heads are forecasts.
  return items
    .filter((item) => typeof item.asOf === 'number')
    .map((item) => ({ asOf: item.asOf as number, key: item.sk as string }))
    .sort((a, b) => a.asOf - b.asOf);
}

/** The overview of every plant that has a forecast, by plant id. */
export async function readPlantSummaries(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<PlantSummary[]> {
  const items = await queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': ForecastKeys.plants },
  });
  return items.map(({ pk: _pk, sk: _sk, ...summary }) => summary as unknown as PlantSummary);
}

/**
 * Every item of a Query, over all its pages. (Not the SDK's
 * `paginateQuery`: it accepts only a DynamoDBDocumentClient instance, and callers pass any client
 * that sends, as the dashboard's tests do.)
 */
async function queryAll(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}
