// The dashboard's HTTP app, one hono app for the local server and the Lambda: the forecast API
// (GET /api/forecast, with an ETag so polling costs a 304), an optional bearer token, and the page's files.
//
// API
//   Every route of one plant's data takes `?plant=<plantId>` (default: the default plant); a value that
//   is not a plant id gets 400 { "error": "bad-request", "message": "plant … is not a plant id: …" }.
//   GET /api/forecast[?plant=ID] (also HEAD)
//     200 { "forecast": <ForecastRecord> }   the plant's latest forecast    ETag "fc-<asOf>-<generatedAt>"
//                                            (another plant's: "fc-<plantId>-<asOf>-<generatedAt>")
//     200 { "forecast": null }               no forecast stored yet         ETag "fc-none" ("fc-<plantId>-none")
//     304                                    If-None-Match names the current ETag
//   GET /api/plants
//     200 { "plants": [<PlantSummary>, …] }   the overview: every plant with a forecast, by plant id
//                                            (active, late, at risk, delayed orders; asOf, generatedAt)
//     401 { "error": "unauthorized", … }     a token is set and the request has no matching
//                                            `Authorization: Bearer <token>` nor `?token=<token>`
//     503 { "error": "unavailable", … }      the token could not be read (e.g. from Secrets Manager)
//     404 / 405 / 500 / 503 { "error": "<code>", "message": "<one line>" }   never a stack trace
//   POST /api/whatif   { "variants": <variant or list>, "replications"?, "seed"?, "objective"?, "plant"? }
//     200 <WhatIfAnswer>                     the baseline and the variants on the live state, ranked, with
//                                            the forecasts of the baseline and of the variants asked for
//     400 { "error": "bad-request", … }      the body is not JSON, or names what the plant does not have
//     422 { "error": "too-large", … }        the runs would take more than the dashboard allows
//     501 { "error": "not-available", … }    this dashboard has no access to the live state
//   POST /api/recommend  {} or { "replications"? }
//     200 <RecommendAnswer>                  the twin's own proposals that do better, best first
//   GET /api/snapshot
//     200 { snapshot, model, parameters }    the live state and the model, for what-if in the page itself
//   All three need the token as GET /api/forecast does, write nothing, and answer 503 when the state
//   does not. They run on the plant of `?plant=` or of the body's `plant` (the two must agree).
//   GET /api/accuracy, GET /api/history, GET /api/history/<asOf>: the accuracy record and the forecast
//   history (see historyApi.ts).
//   GET /api/alerts[?limit=N]
//     200 { "alerts": [<Alert>, …] }          the newest alerts (lateness, drift, calibration), newest
//                                            first, N of them at most (default 50, at most 200)
//     200 { "alerts": [] }                   also when this dashboard was started without the alerts
//     400 { "error": "bad-request", … }      limit is not a whole number from 1 to 200
//   It needs the token as GET /api/forecast does.
//   Everything else (GET): the page's static files, when a page folder is given (no token needed:
//   the page holds no data).
import { createHash, timingSafeEqual } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Context, type Handler, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { etag } from 'hono/etag';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { MAX_RECENT_ALERTS } from '../contracts/alertItem.ts';
import { type PlantSummary, plantSummaryOf } from '../contracts/forecastRecord.ts';
import { DEFAULT_PLANT } from '../contracts/plants.ts';
import type { AlertSource } from './alertSource.ts';
import {
  ForecastTableMissingError,
  ForecastUnavailableError,
  StateTableMissingError,
  StateUnavailableError,
  WhatIfInputError,
  WhatIfLimitError,
} from './errors.ts';
import type { ForecastSource, ForecastVersion } from './forecastSource.ts';
import { historyApi } from './historyApi.ts';
import type { HistorySource } from './historySource.ts';
import type { LiveWhatIf } from './liveWhatIf.ts';
import { plantIdProblem, plantOf, requirePlantParameter } from './plantParameter.ts';

/** Where the app reports failures it answered with a 5xx (Powertools' Logger fits). */
export interface DashboardLogger {
  error(message: string, details: Record<string, unknown>): void;
}

/**
 * The token the API demands: the token itself, or a function that reads it when a request presents
 * one (from a secret store, which caches it and so picks up a changed token).
 */
export type DashboardToken = string | (() => Promise<string>);

export interface DashboardAppOptions {
  forecasts: ForecastSource;
  /** When set (non-empty), the API answers only requests that carry this token. */
  token?: DashboardToken | undefined;
  /** Folder of the built page (index.html, app.js, app.css); without it only the API is served. */
  pageDir?: string | undefined;
  logger?: DashboardLogger | undefined;
  /** What-if on the live state (POST /api/whatif, /api/recommend); without it those answer 501. */
  whatIf?: LiveWhatIf | undefined;
  /** The accuracy record and forecast history (GET /api/accuracy, /api/history); without it those answer 501. */
  history?: HistorySource | undefined;
  /** The twin's recent alerts (GET /api/alerts); without it that answers an empty list. */
  alerts?: AlertSource | undefined;
}

/**
 * The ETag of plant `plantId`'s forecast with `version`, or of its empty state. A plant other than the
 * default names itself, so that no two plants' forecasts share a tag.
 */
export function forecastEtag(version: ForecastVersion | undefined, plantId: string = DEFAULT_PLANT): string {
  const plant = plantId === DEFAULT_PLANT ? '' : `${plantId}-`;
  return version === undefined ? `"fc-${plant}none"` : `"fc-${plant}${version.asOf}-${version.generatedAt}"`;
}

/** Whether an If-None-Match header value names `etag` (weak or strong, or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}

/** Compares a presented token with the expected one in constant time (hashes first, so lengths leak nothing). */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(presented));
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** hono's defaults, plus the page's policy: everything it loads comes from its own origin. */
const SECURE_HEADERS = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
  },
  // A token may be in the page's address: never send it on as a referrer.
  referrerPolicy: 'no-referrer',
});

/** The `{ error, message }` answer every failure gets. */
function problem(
  c: Context,
  status: ContentfulStatusCode,
  error: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return c.json({ error, message }, status, {
    'content-type': JSON_TYPE,
    'cache-control': 'no-store',
    ...headers,
  });
}

/** Lets a request through when it carries the token as a bearer token or as `?token=`, or no token is set. */
function requireToken(
  token: DashboardToken | undefined,
  logger: DashboardLogger | undefined,
): MiddlewareHandler {
  return async (c, next) => {
    if (token === undefined) return next();
    const bearer = c.req
      .header('authorization')
      ?.match(/^Bearer\s+(.+)$/i)?.[1]
      ?.trim();
    const presented = bearer ?? c.req.query('token');
    // A request without any token is refused before the expected one is read: a flood of them costs
    // no reads of the secret.
    if (presented !== undefined) {
      let expected: string;
      try {
        expected = typeof token === 'string' ? token : await token();
      } catch (error) {
        logger?.error('reading the dashboard token failed', { error });
        return problem(
          c,
          503,
          'unavailable',
          'the dashboard cannot check tokens right now: try again shortly',
          {
            'retry-after': '5',
          },
        );
      }
      // An empty expected token would match an empty `?token=`: refuse it (fail closed).
      if (expected !== '' && tokenMatches(expected, presented)) return next();
    }
    return problem(
      c,
      401,
      'unauthorized',
      'this dashboard needs a token: open it with ?token=<token>, or send Authorization: Bearer <token>',
      { 'www-authenticate': 'Bearer realm="twin-dashboard"' },
    );
  };
}

const COMPRESS_FROM_BYTES = 1024;

/** The last body served, kept so that new readers of an unchanged forecast cost one version check. */
interface Rendered {
  etag: string;
  json: string;
  gzip?: Uint8Array<ArrayBuffer>;
}

/**
 * Characters of JSON the forecast route keeps of the plants' last bodies at most (their gzip, a tenth
 * of that, comes on top): a forecast of 10,000 orders is about 6 MB, so a few large plants or many
 * small ones stay answered from memory, and the least recently asked for goes first.
 */
export const RENDERED_MAX_CHARS = 48 * 1024 * 1024;

/** GET /api/forecast, GET /api/plants and their errors. */
function forecastApi(options: DashboardAppOptions): Hono {
  const api = new Hono();
  // Each plant's last body, least recently served first: a Map keeps insertion order.
  const rendered = new Map<string, Rendered>();
  let renderedChars = 0;
  const keep = (plantId: string, body: Rendered) => {
    renderedChars -= rendered.get(plantId)?.json.length ?? 0;
    rendered.delete(plantId);
    // The body being served stays, however large: it is in memory while it is sent anyway.
    for (const [oldest, old] of rendered) {
      if (renderedChars + body.json.length <= RENDERED_MAX_CHARS) break;
      rendered.delete(oldest);
      renderedChars -= old.json.length;
    }
    rendered.set(plantId, body);
    renderedChars += body.json.length;
    return body;
  };

  // The ETag names the forecast's version whatever the encoding, and the gzip is made once per forecast,
  // so this route compresses on its own rather than through hono's compress (which would weaken the ETag).
  function send(c: Context, body: Rendered): Response {
    const headers: Record<string, string> = {
      etag: body.etag,
      // The browser may keep it, but must ask each time; a token makes it private.
      'cache-control': 'private, no-cache',
      vary: 'authorization, accept-encoding',
    };
    if (etagMatches(c.req.header('if-none-match'), body.etag)) return c.body(null, 304, headers);
    headers['content-type'] = JSON_TYPE;
    if (/\bgzip\b/i.test(c.req.header('accept-encoding') ?? '') && body.json.length >= COMPRESS_FROM_BYTES) {
      body.gzip ??= new Uint8Array(gzipSync(body.json, { level: 6 }));
      return c.body(body.gzip, 200, { ...headers, 'content-encoding': 'gzip' });
    }
    return c.body(body.json, 200, headers);
  }

  const token = options.token ? options.token : undefined;
  const read: Handler = async (c) => {
    const source = options.forecasts;
    const plantId = plantOf(c);
    const last = rendered.get(plantId);
    if (source.version) {
      const etag = forecastEtag(await source.version(plantId), plantId);
      if (last?.etag === etag) return send(c, keep(plantId, last));
      // The client has it already: no need to read the forecast itself.
      if (etagMatches(c.req.header('if-none-match'), etag)) return send(c, { etag, json: '' });
    }
    const record = await source.latest(plantId);
    const etag = forecastEtag(record, plantId);
    if (last?.etag === etag) return send(c, keep(plantId, last));
    const body = { etag, json: JSON.stringify({ forecast: record ?? null }) };
    // A plant with no forecast costs nothing to answer again: only forecasts are kept.
    return send(c, record === undefined ? body : keep(plantId, body));
  };
  api.get('/forecast', requireToken(token, options.logger), requirePlantParameter, read);

  api.get('/plants', requireToken(token, options.logger), compress(), async (c) => {
    const plants = await plantOverview(options.forecasts);
    return c.json({ plants }, 200, { 'content-type': JSON_TYPE, 'cache-control': 'no-store' });
  });

  api.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    if (error instanceof ForecastUnavailableError) {
      return problem(c, 503, 'unavailable', error.message, { 'retry-after': '5' });
    }
    options.logger?.error('reading the latest forecast failed', { error });
    if (error instanceof ForecastTableMissingError) return problem(c, 500, 'no-table', error.message);
    return problem(c, 500, 'internal', 'could not read the latest forecast (see the server log)');
  });
  return api;
}

/** Every plant's overview line by plant id; a source that cannot list plants has the default plant's. */
async function plantOverview(source: ForecastSource): Promise<PlantSummary[]> {
  let plants: PlantSummary[];
  if (source.plants) plants = await source.plants();
  else {
    const latest = await source.latest();
    plants = latest === undefined ? [] : [plantSummaryOf(latest)];
  }
  return plants.sort((a, b) => (a.plantId < b.plantId ? -1 : a.plantId > b.plantId ? 1 : 0));
}

/** GET /api/alerts: the twin's recent alerts, newest first. */
function alertsApi(options: DashboardAppOptions): Hono {
  const api = new Hono();
  api.get(
    '/alerts',
    requireToken(options.token ? options.token : undefined, options.logger),
    requirePlantParameter,
    compress(),
    async (c) => {
      const text = c.req.query('limit');
      const limit = text === undefined ? 50 : Number(text);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECENT_ALERTS) {
        return problem(
          c,
          400,
          'bad-request',
          `limit must be a whole number from 1 to ${MAX_RECENT_ALERTS}, got ${JSON.stringify(text)}`,
        );
      }
      // Without a source there are no alerts to tell of: an empty list, which the page shows as none.
      const alerts = options.alerts === undefined ? [] : await options.alerts.recent(limit, plantOf(c));
      return c.json({ alerts }, 200, { 'content-type': JSON_TYPE, 'cache-control': 'no-store' });
    },
  );
  api.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    if (error instanceof ForecastUnavailableError) {
      return problem(c, 503, 'unavailable', error.message, { 'retry-after': '5' });
    }
    options.logger?.error('reading the alerts failed', { error });
    if (error instanceof ForecastTableMissingError) return problem(c, 500, 'no-table', error.message);
    return problem(c, 500, 'internal', 'could not read the alerts (see the server log)');
  });
  return api;
}

/** A what-if request's body at most: variants are small documents. */
export const WHATIF_MAX_BODY_BYTES = 64 * 1024;

/** POST /api/whatif and /api/recommend: runs on the live state, through the function the app was given. */
function whatIfApi(options: DashboardAppOptions): Hono {
  const api = new Hono();
  const guard = [
    requireToken(options.token ? options.token : undefined, options.logger),
    bodyLimit({
      maxSize: WHATIF_MAX_BODY_BYTES,
      onError: (c) =>
        problem(c, 413, 'too-large', `the body is larger than ${WHATIF_MAX_BODY_BYTES / 1024} KB`),
    }),
    requirePlantParameter,
    compress(),
  ] as const;

  /** The request's JSON body; an empty body is `{}`. */
  async function body(c: Context): Promise<unknown> {
    const text = await c.req.text();
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new WhatIfInputError(`the body is not JSON: ${(error as Error).message}`);
    }
  }

  const run =
    (what: 'whatIf' | 'recommend'): Handler =>
    async (c) => {
      const live = options.whatIf;
      if (live === undefined) {
        return problem(
          c,
          501,
          'not-available',
          'this dashboard cannot run what-if: it was started without access to the live state',
        );
      }
      const { plantId, rest } = bodyPlant(await body(c), plantOf(c), c.req.query('plant') !== undefined);
      const answer = await live[what](rest, plantId);
      return c.json(answer, 200, { 'content-type': JSON_TYPE, 'cache-control': 'no-store' });
    };
  api.post('/whatif', ...guard, run('whatIf'));
  api.get('/snapshot', guard[0], guard[2], guard[3], async (c) => {
    const live = options.whatIf;
    if (live === undefined) {
      return problem(c, 501, 'not-available', 'this dashboard has no access to the live state');
    }
    return c.json(await live.snapshot(plantOf(c)), 200, {
      'content-type': JSON_TYPE,
      'cache-control': 'no-store',
    });
  });
  api.post('/recommend', ...guard, run('recommend'));

  api.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    if (error instanceof WhatIfInputError) return problem(c, 400, 'bad-request', error.message);
    if (error instanceof WhatIfLimitError) return problem(c, 422, 'too-large', error.message);
    if (error instanceof StateUnavailableError) {
      return problem(c, 503, 'unavailable', error.message, { 'retry-after': '5' });
    }
    options.logger?.error('what-if failed', { error, path: c.req.path });
    if (error instanceof StateTableMissingError) return problem(c, 500, 'no-table', error.message);
    return problem(c, 500, 'internal', 'the what-if failed (see the server log)');
  });
  return api;
}

/**
 * The plant a what-if body names in `plant`, checked against the query's (`fromQuery`: whether the
 * query named one), and the body without it: what-if itself knows nothing of plants.
 */
function bodyPlant(
  body: unknown,
  queryPlant: string,
  fromQuery: boolean,
): { plantId: string; rest: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('plant' in body)) {
    return { plantId: queryPlant, rest: body };
  }
  const { plant, ...rest } = body as Record<string, unknown>;
  const wrong = plantIdProblem(plant);
  if (wrong !== undefined) throw new WhatIfInputError(wrong);
  if (fromQuery && plant !== queryPlant) {
    throw new WhatIfInputError(
      `plant: the body names plant ${JSON.stringify(plant)} and the address ${JSON.stringify(queryPlant)}: name one`,
    );
  }
  return { plantId: plant as string, rest };
}

/** The page's own files: flat names with a known extension, so no folders, no dot files, nothing outside. */
const PAGE_FILE = '/:file{[A-Za-z0-9_-][A-Za-z0-9._-]*\\.(?:html|js|css|map|svg|txt)}';

/** Creates the dashboard's app: the API under /api, and the page's files when `pageDir` is given. */
export function createDashboardApp(options: DashboardAppOptions): Hono {
  const app = new Hono();
  app.use(SECURE_HEADERS);
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problem(
          c,
          405,
          'method-not-allowed',
          `${c.req.method} is not allowed: use ${methods.filter((m) => m !== 'HEAD').join(' or ')}`,
          { allow: methods.join(', ') },
        ),
    }),
  );
  app.route('/api', forecastApi(options));
  app.route('/api', whatIfApi(options));
  app.route(
    '/api',
    historyApi(
      options.history,
      requireToken(options.token ? options.token : undefined, options.logger),
      options.logger,
    ),
  );
  app.route('/api', alertsApi(options));

  if (options.pageDir !== undefined) {
    const noCache: MiddlewareHandler = async (c, next) => {
      await next();
      if (c.res.ok) c.header('cache-control', 'no-cache');
    };
    app.on('GET', ['/', PAGE_FILE], compress(), etag(), noCache, serveStatic({ root: options.pageDir }));
  }

  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? problem(
          c,
          404,
          'not-found',
          `no API at ${c.req.path}: the API is GET /api/forecast, /api/plants, /api/alerts, /api/accuracy, /api/history, POST /api/whatif and POST /api/recommend`,
        )
      : problem(c, 404, 'not-found', `nothing at ${c.req.path}`),
  );
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    options.logger?.error('request failed', { error, path: c.req.path });
    return problem(c, 500, 'internal', 'the dashboard failed (see the server log)');
  });
  return app;
}
