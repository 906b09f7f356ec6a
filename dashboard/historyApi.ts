// The dashboard's API of the twin's past: the rolling accuracy record's figures for the accuracy
// panel, and the forecast history for the replay slider.
//
//   GET /api/accuracy
//     200 { "accuracy": <AccuracySummary> | null }   per horizon, the hourly trend, latency (null: none yet)
//     200 { "accuracy": null, "kept": false }        this dashboard has no access to the record
//   GET /api/history?from=<time>&to=<time>&limit=<n>&cursor=<next>
//     200 { "forecasts": [{ asOf, generatedAt, ordersLate?, ordersAtRisk?, activeOrders? }], "next"? }
//                       forecasts made from `from` to `to` (epoch ms or ISO-8601; default: all), oldest
//                       first, at most `limit` (1–1000, default 500) items read per page
//   GET /api/history/<asOf>   (epoch ms or ISO-8601)
//     200 { "forecast": <ForecastRecord> }           the forecast made at that time
//     404 { "error": "not-found", … }                none kept (history expires after 14 days)
//   /api/history and /api/history/<asOf> take `?plant=<plantId>` (default: the default plant); the
//   accuracy record too is the plant's.
//   400 { "error": "bad-request", … } names the parameter that is malformed; 501 (history) when the
//   dashboard has no history source; the token, 401 and 503 as GET /api/forecast.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ForecastTableMissingError, ForecastUnavailableError } from './errors.ts';
import { CursorError, type HistorySource } from './historySource.ts';
import { plantOf, requirePlantParameter } from './plantParameter.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Items a page of history reads at most, and by default. */
export const HISTORY_MAX_LIMIT = 1_000;
export const HISTORY_DEFAULT_LIMIT = 500;

class BadRequest extends Error {}

function problem(c: Context, status: ContentfulStatusCode, error: string, message: string): Response {
  return c.json({ error, message }, status, { 'content-type': JSON_TYPE, 'cache-control': 'no-store' });
}

/** A time parameter: epoch ms, or an ISO-8601 date-time. */
export function parseTime(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  // Forecast history keys are ISO-8601 date-times of years 0–9999.
  if (!Number.isFinite(t) || t < 0 || t > 253_402_300_799_999) {
    throw new BadRequest(
      `${name} must be a time: epoch milliseconds or ISO-8601 (e.g. 2026-01-05T08:00:00Z), got "${value}"`,
    );
  }
  return t;
}

function parseLimit(value: string | undefined): number {
  if (value === undefined || value === '') return HISTORY_DEFAULT_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > HISTORY_MAX_LIMIT) {
    throw new BadRequest(`limit must be a whole number from 1 to ${HISTORY_MAX_LIMIT}, got "${value}"`);
  }
  return n;
}

/** GET /api/accuracy, /api/history and /api/history/<asOf>, behind `guard` (the token check). */
export function historyApi(
  source: HistorySource | undefined,
  guard: MiddlewareHandler,
  logger?: { error(message: string, details: Record<string, unknown>): void },
): Hono {
  const api = new Hono();
  const answer = (c: Context, body: unknown) =>
    c.json(body, 200, { 'content-type': JSON_TYPE, 'cache-control': 'no-store' });
  const unavailable = (c: Context) =>
    problem(c, 501, 'not-available', 'this dashboard has no access to the forecast history');

  // Without a history source it answers that it keeps none (not an error: the page polls it, and a
  // dashboard that only shows forecasts is a valid one).
  api.get('/accuracy', guard, requirePlantParameter, async (c) => {
    if (source === undefined) return answer(c, { accuracy: null, kept: false });
    return answer(c, { accuracy: (await source.accuracy(plantOf(c))) ?? null });
  });
  api.get('/history', guard, requirePlantParameter, async (c) => {
    if (source === undefined) return unavailable(c);
    const from = parseTime('from', c.req.query('from'), 0);
    const to = parseTime('to', c.req.query('to'), 253_402_300_799_999);
    if (to < from) throw new BadRequest('to is before from');
    const cursor = c.req.query('cursor');
    const limit = parseLimit(c.req.query('limit'));
    return answer(c, await source.list({ from, to, limit, cursor, plantId: plantOf(c) }));
  });
  api.get('/history/:asOf', guard, requirePlantParameter, async (c) => {
    if (source === undefined) return unavailable(c);
    const asOf = parseTime('the forecast time', c.req.param('asOf'), Number.NaN);
    const forecast = await source.at(asOf, plantOf(c));
    if (forecast === undefined) {
      return problem(
        c,
        404,
        'not-found',
        `no forecast made at ${new Date(asOf).toISOString()} is kept (GET /api/history lists those that are)`,
      );
    }
    return answer(c, { forecast });
  });

  api.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    if (error instanceof BadRequest || error instanceof CursorError) {
      return problem(c, 400, 'bad-request', error.message);
    }
    if (error instanceof ForecastUnavailableError) return problem(c, 503, 'unavailable', error.message);
    logger?.error('reading the forecast history failed', { error, path: c.req.path });
    if (error instanceof ForecastTableMissingError) return problem(c, 500, 'no-table', error.message);
    return problem(c, 500, 'internal', 'could not read the forecast history (see the server log)');
  });
  return api;
}
