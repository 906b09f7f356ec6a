// Forecasts are stored gzip-compressed and, when large, split into chunks: a forecast of 10,000
// orders is about 6 MB of JSON and 0.5 MB compressed, over DynamoDB's 400 KB item limit.
// Compression runs on libuv's thread pool, not the event loop: for a large forecast it takes a
// good part of the write (`twin bench forecast-handler`), time in which the embedded twin's ingest
// and dashboard, in the same process, would otherwise stand still.
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import type { ForecastRecord } from '../contracts/forecastRecord.ts';

/** Bytes of compressed forecast per item: well under 400 KB, with room for keys and attributes. */
export const CHUNK_BYTES = 350_000;

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

/** The forecast as gzip-compressed JSON, cut into chunks of at most `chunkBytes`. */
export async function encodeForecast(
  record: ForecastRecord,
  chunkBytes = CHUNK_BYTES,
): Promise<Uint8Array[]> {
  const compressed = await gzip(JSON.stringify(record), { level: 6 });
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < compressed.length; offset += chunkBytes) {
    chunks.push(compressed.subarray(offset, offset + chunkBytes));
  }
  return chunks.length > 0 ? chunks : [compressed];
}

/** The forecast from its chunks, in order. */
export async function decodeForecast(chunks: readonly Uint8Array[]): Promise<ForecastRecord> {
  const json = await gunzip(Buffer.concat(chunks.map((c) => Buffer.from(c))));
  return JSON.parse(json.toString('utf8')) as ForecastRecord;
}
