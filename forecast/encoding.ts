// Forecasts are stored gzip-compressed and, when large, split into chunks: a forecast of 10,000
// orders is about 6 MB of JSON and 0.5 MB compressed, over DynamoDB's 400 KB item limit.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ForecastRecord } from '../contracts/forecastRecord.ts';

/** Bytes of compressed forecast per item: well under 400 KB, with room for keys and attributes. */
export const CHUNK_BYTES = 350_000;

/** The forecast as gzip-compressed JSON, cut into chunks of at most `chunkBytes`. */
export function encodeForecast(record: ForecastRecord, chunkBytes = CHUNK_BYTES): Uint8Array[] {
  const compressed = gzipSync(JSON.stringify(record), { level: 6 });
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < compressed.length; offset += chunkBytes) {
    chunks.push(compressed.subarray(offset, offset + chunkBytes));
  }
  return chunks.length > 0 ? chunks : [compressed];
}

/** The forecast from its chunks, in order. */
export function decodeForecast(chunks: readonly Uint8Array[]): ForecastRecord {
  return JSON.parse(
    gunzipSync(Buffer.concat(chunks.map((c) => Buffer.from(c)))).toString('utf8'),
  ) as ForecastRecord;
}
