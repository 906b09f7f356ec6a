// The dashboard's hono app without a network: the forecast API's shapes, ETag and 304, the token, errors
// without stacks, the page's files, and the Lambda payload 2.0 adapter.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { type LambdaEvent, handle as lambdaHandler } from 'hono/aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import {
  createDashboardApp,
  type DashboardAppOptions,
  etagMatches,
  forecastEtag,
  tokenMatches,
} from '../../dashboard/app.ts';
import { ForecastTableMissingError, ForecastUnavailableError } from '../../dashboard/errors.ts';
import type { ForecastSource } from '../../dashboard/forecastSource.ts';
import { InMemoryForecastStore } from '../../forecast/ForecastStore.ts';
import { demoRecord, syntheticRecord } from './fixtures.ts';

interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Call {
  return { method, path, headers };
}

/** The app's answers, as plain data: headers by lower-case name, an encoded body as a Buffer. */
function answers(options: DashboardAppOptions) {
  const app = createDashboardApp(options);
  return async ({ method, path, headers }: Call) => {
    const response = await app.request(path, { method, headers });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers) as Record<string, string>,
      body: response.headers.has('content-encoding') ? bytes : bytes.toString('utf8'),
    };
  };
}

async function storeWith(...records: ForecastRecord[]): Promise<InMemoryForecastStore> {
  const store = new InMemoryForecastStore();
  for (const r of records) await store.save(r);
  return store;
}

/** A source that counts its reads, to see what polling costs. */
function counting(source: ForecastSource & { version?: ForecastSource['version'] }) {
  const calls = { latest: 0, version: 0 };
  const counted: ForecastSource = {
    latest: (plantId) => {
      calls.latest++;
      return source.latest(plantId);
    },
    version: async (plantId) => {
      calls.version++;
      const r = await source.latest(plantId);
      return r && { asOf: r.asOf, generatedAt: r.generatedAt };
    },
  };
  return { counted, calls };
}

describe('GET /api/forecast', () => {
  it('returns the latest forecast with an ETag made of its asOf and generatedAt', async () => {
    const record = demoRecord(31, 1_000);
    const handle = answers({ forecasts: await storeWith(record) });

    const response = await handle(get('/api/forecast'));

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers.etag).toBe(`"fc-${record.asOf}-1000"`);
    expect(JSON.parse(response.body as string)).toEqual({ forecast: record });
  });

  it('answers 304 without a body when If-None-Match names the current forecast', async () => {
    const record = demoRecord(31);
    const handle = answers({ forecasts: await storeWith(record) });
    const first = await handle(get('/api/forecast'));

    const again = await handle(get('/api/forecast', { 'if-none-match': first.headers.etag! }));

    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
  });

  it('answers 200 with the new forecast once a newer one is stored', async () => {
    const store = await storeWith(demoRecord(31));
    const handle = answers({ forecasts: store });
    const first = await handle(get('/api/forecast'));
    await store.save(demoRecord(41));

    const next = await handle(get('/api/forecast', { 'if-none-match': first.headers.etag! }));

    expect(next.status).toBe(200);
    expect(next.headers.etag).not.toBe(first.headers.etag);
    expect(JSON.parse(next.body as string).forecast.asOf).toBe(demoRecord(41).asOf);
  });

  it('reads only the version, not the forecast, while the forecast stays the same', async () => {
    const { counted, calls } = counting(await storeWith(demoRecord(31)));
    const handle = answers({ forecasts: counted });
    const first = await handle(get('/api/forecast'));

    for (let i = 0; i < 3; i++) await handle(get('/api/forecast', { 'if-none-match': first.headers.etag! }));
    const newReader = await handle(get('/api/forecast'));

    expect(calls.latest).toBe(1);
    expect(calls.version).toBe(5);
    expect(newReader.status).toBe(200);
    expect(newReader.body).toBe(first.body);
  });

  it("keeps each plant's forecast apart: readers of several plants in turn read only versions", async () => {
    const north = { ...demoRecord(41), plantId: 'north' };
    const { counted, calls } = counting(await storeWith(demoRecord(31), north));
    const handle = answers({ forecasts: counted });
    const first = {
      default: await handle(get('/api/forecast')),
      north: await handle(get('/api/forecast?plant=north')),
    };

    for (let i = 0; i < 3; i++) {
      expect((await handle(get('/api/forecast'))).body).toBe(first.default.body);
      expect((await handle(get('/api/forecast?plant=north'))).body).toBe(first.north.body);
    }

    expect(calls.latest).toBe(2);
    expect(JSON.parse(first.north.body as string)).toEqual({ forecast: north });
    expect(first.north.headers.etag).toBe(`"fc-north-${north.asOf}-${north.generatedAt}"`);
  });

  it('lists the plants of a source that cannot list them as the default plant alone', async () => {
    const record = demoRecord(31, 1_000);
    const store = await storeWith(record);
    const plain = answers({ forecasts: { latest: (plantId) => store.latest(plantId) } });
    const empty = answers({ forecasts: { latest: async () => undefined } });

    expect(JSON.parse((await plain(get('/api/plants'))).body as string)).toEqual({
      plants: [
        {
          plantId: 'default',
          asOf: record.asOf,
          generatedAt: 1_000,
          latestEventAt: record.stateVersion.latestEventAt,
          activeOrders: record.kpis.activeOrders,
          ordersLate: record.kpis.ordersLate,
          ordersDelayed: record.kpis.ordersDelayed,
        },
      ],
    });
    expect(JSON.parse((await empty(get('/api/plants'))).body as string)).toEqual({ plants: [] });
  });

  it('answers the empty state, not an error, when no forecast is stored', async () => {
    const handle = answers({ forecasts: new InMemoryForecastStore() });

    const response = await handle(get('/api/forecast'));
    const again = await handle(get('/api/forecast', { 'if-none-match': response.headers.etag! }));

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body as string)).toEqual({ forecast: null });
    expect(response.headers.etag).toBe('"fc-none"');
    expect(again.status).toBe(304);
  });

  it('compresses with gzip when the client accepts it', async () => {
    const record = syntheticRecord(200);
    const handle = answers({ forecasts: await storeWith(record) });

    const response = await handle(get('/api/forecast', { 'accept-encoding': 'gzip, deflate, br' }));

    expect(response.headers['content-encoding']).toBe('gzip');
    expect(Buffer.isBuffer(response.body)).toBe(true);
    const text = gunzipSync(response.body as Buffer).toString('utf8');
    expect(JSON.parse(text).forecast.orders).toHaveLength(record.orders.length);
    expect((response.body as Buffer).length).toBeLessThan(text.length / 4);
  });

  it('answers HEAD with the headers only, and other methods with 405', async () => {
    const handle = answers({ forecasts: await storeWith(demoRecord(31)) });

    const head = await handle(get('/api/forecast', {}, 'HEAD'));
    const post = await handle(get('/api/forecast', {}, 'POST'));

    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers.etag).toMatch(/^"fc-/);
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(post.body as string).error).toBe('method-not-allowed');
  });

  it('lets the browser keep the forecast only privately and re-ask each time, and hardens it', async () => {
    const handle = answers({ forecasts: await storeWith(demoRecord(31)) });

    const response = await handle(get('/api/forecast'));

    expect(response.headers['cache-control']).toBe('private, no-cache');
    expect(response.headers.vary).toBe('authorization, accept-encoding');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('answers an unknown API path with 404 JSON', async () => {
    const handle = answers({ forecasts: new InMemoryForecastStore() });

    const response = await handle(get('/api/forecasts'));

    expect(response.status).toBe(404);
    expect(JSON.parse(response.body as string)).toMatchObject({ error: 'not-found' });
  });
});

describe('the token', () => {
  const token = 's3cret-Token';

  it('is required on the API when set: 401 with a JSON message, and no forecast', async () => {
    const handle = answers({ forecasts: await storeWith(demoRecord(31)), token });

    const none = await handle(get('/api/forecast'));
    const wrong = await handle(get('/api/forecast', { authorization: 'Bearer nope' }));

    for (const response of [none, wrong]) {
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(JSON.parse(response.body as string)).toMatchObject({ error: 'unauthorized' });
      expect(response.body).not.toContain('order-');
    }
  });

  it('is accepted as a bearer token or as ?token=', async () => {
    const handle = answers({ forecasts: await storeWith(demoRecord(31)), token });

    const bearer = await handle(get('/api/forecast', { authorization: `Bearer ${token}` }));
    const query = await handle(get(`/api/forecast?token=${token}`));

    expect(bearer.status).toBe(200);
    expect(query.status).toBe(200);
  });

  it('challenges with the dashboard realm', async () => {
    const handle = answers({ forecasts: new InMemoryForecastStore(), token });

    const response = await handle(get('/api/forecast', { authorization: 'Basic dXNlcjpwYXNz' }));

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="twin-dashboard"');
  });

  it('may hold any printable character, also as a bearer token', async () => {
    const odd = 'p@ss!word#1';
    const handle = answers({ forecasts: new InMemoryForecastStore(), token: odd });

    const bearer = await handle(get('/api/forecast', { authorization: `Bearer ${odd}` }));
    const query = await handle(get(`/api/forecast?token=${encodeURIComponent(odd)}`));

    expect(bearer.status).toBe(200);
    expect(query.status).toBe(200);
  });

  it('is not needed for the page, which holds no data', async () => {
    const pageDir = mkdtempSync(join(tmpdir(), 'dashboard-page-'));
    writeFileSync(join(pageDir, 'index.html'), '<!doctype html><title>t</title>');
    const handle = answers({ forecasts: new InMemoryForecastStore(), token, pageDir });

    const page = await handle(get('/'));

    expect(page.status).toBe(200);
  });

  it('is compared whatever its length, without throwing', () => {
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token, `${token}x`)).toBe(false);
    expect(tokenMatches(token, '')).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
  });

  it('counts as unset when empty', async () => {
    const handle = answers({ forecasts: new InMemoryForecastStore(), token: '' });

    expect((await handle(get('/api/forecast'))).status).toBe(200);
  });
  describe('read from a secret store', () => {
    it('is read when a request presents a token, and a changed one is taken at the next read', async () => {
      let stored = token;
      let reads = 0;
      const read = async () => {
        reads++;
        return stored;
      };
      const handle = answers({ forecasts: await storeWith(demoRecord(31)), token: read });

      const none = await handle(get('/api/forecast'));
      const right = await handle(get('/api/forecast', { authorization: `Bearer ${token}` }));
      stored = 'rotated-Token';
      const old = await handle(get(`/api/forecast?token=${token}`));
      const rotated = await handle(get('/api/forecast?token=rotated-Token'));

      expect(none.status).toBe(401);
      expect(right.status).toBe(200);
      expect(old.status).toBe(401);
      expect(rotated.status).toBe(200);
      // A request without a token costs no read.
      expect(reads).toBe(3);
    });

    it('answers 503 and logs when the token cannot be read, and never lets the request through', async () => {
      const logged: string[] = [];
      const handle = answers({
        forecasts: await storeWith(demoRecord(31)),
        token: () => Promise.reject(new Error('AccessDeniedException')),
        logger: { error: (message) => logged.push(message) },
      });

      const response = await handle(get('/api/forecast', { authorization: `Bearer ${token}` }));

      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(JSON.parse(response.body as string)).toMatchObject({ error: 'unavailable' });
      expect(response.body).not.toContain('AccessDenied');
      expect(logged).toEqual(['reading the dashboard token failed']);
    });

    it('lets nobody in when it reads an empty token', async () => {
      const handle = answers({ forecasts: await storeWith(demoRecord(31)), token: async () => '' });

      expect((await handle(get('/api/forecast?token='))).status).toBe(401);
    });
  });
});

describe('errors', () => {
  const failing = (error: Error): ForecastSource => ({
    latest: () => Promise.reject(error),
  });

  it('answers a failure with a JSON message and no stack trace, and logs it', async () => {
    const logged: unknown[] = [];
    const error = new Error('socket hang up at /secret/path.ts:12');
    const handle = answers({
      forecasts: failing(error),
      logger: { error: (message, details) => logged.push({ message, ...details }) },
    });

    const response = await handle(get('/api/forecast'));

    expect(response.status).toBe(500);
    expect(JSON.parse(response.body as string)).toEqual({
      error: 'internal',
      message: 'could not read the latest forecast (see the server log)',
    });
    expect(response.body).not.toMatch(/\bat\b|secret|\.ts/);
    expect(logged).toEqual([{ message: 'reading the latest forecast failed', error }]);
  });

  it('answers 503 with Retry-After when the store is throttled or unreachable', async () => {
    const handle = answers({
      forecasts: failing(new ForecastUnavailableError('the forecasts table did not answer (ECONNREFUSED)')),
    });

    const response = await handle(get('/api/forecast'));

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(JSON.parse(response.body as string).error).toBe('unavailable');
  });

  it('names a missing forecasts table', async () => {
    const handle = answers({ forecasts: failing(new ForecastTableMissingError('forecasts')) });

    const response = await handle(get('/api/forecast'));

    expect(response.status).toBe(500);
    expect(JSON.parse(response.body as string).message).toBe(
      'the forecasts table "forecasts" does not exist',
    );
  });
});

describe('the page files', () => {
  const pageDir = mkdtempSync(join(tmpdir(), 'dashboard-page-'));
  writeFileSync(join(pageDir, 'index.html'), '<!doctype html><title>Forecast</title>');
  writeFileSync(join(pageDir, 'app.js'), `console.info(${JSON.stringify('x'.repeat(4000))});`);
  writeFileSync(join(pageDir, '.env'), 'SECRET=1');
  const handle = answers({ forecasts: new InMemoryForecastStore(), pageDir });

  it('serves index.html at / with a content security policy and no referrer', async () => {
    const response = await handle(get('/'));

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.body).toContain('<title>Forecast</title>');
  });

  it('serves the script compressed, and 304 when unchanged', async () => {
    const first = await handle(get('/app.js', { 'accept-encoding': 'gzip' }));
    const again = await handle(get('/app.js', { 'if-none-match': first.headers.etag! }));

    expect(first.headers['content-type']).toMatch(/^text\/javascript/);
    expect(gunzipSync(first.body as Buffer).toString()).toContain('console.info');
    expect(again.status).toBe(304);
  });

  it('serves nothing outside the page folder, no dot files, no unknown types', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/.env', '/sub/app.js', '/app.ts']) {
      expect((await handle(get(path))).status, path).toBe(404);
    }
  });

  it('sends the page its exact content security policy', async () => {
    const response = await handle(get('/index.html'));

    expect(response.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a missing file with 404 JSON, and a POST with 405', async () => {
    const missing = await handle(get('/styles.css'));
    const post = await handle(get('/', {}, 'POST'));

    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body as string)).toMatchObject({ error: 'not-found' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(post.body as string)).toMatchObject({ error: 'method-not-allowed' });
  });

  it('serves only the API when there is no page folder', async () => {
    const apiOnly = answers({ forecasts: new InMemoryForecastStore() });

    expect((await apiOnly(get('/'))).status).toBe(404);
  });
});

describe('ETags', () => {
  it('match weak and listed forms, and *', () => {
    const etag = forecastEtag({ asOf: 1, generatedAt: 2 });

    expect(etag).toBe('"fc-1-2"');
    expect(etagMatches(etag, etag)).toBe(true);
    expect(etagMatches(`W/${etag}`, etag)).toBe(true);
    expect(etagMatches(`"x", ${etag}`, etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('"fc-1-3"', etag)).toBe(false);
    expect(etagMatches(undefined, etag)).toBe(false);
  });
});

describe('Lambda payload 2.0', () => {
  const event = (overrides: Partial<APIGatewayProxyEventV2> = {}): LambdaEvent =>
    ({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/api/forecast',
      rawQueryString: 'token=abc&x=1',
      headers: { 'If-None-Match': '"fc-none"', 'accept-encoding': 'gzip' },
      requestContext: { http: { method: 'GET', path: '/api/forecast' } },
      isBase64Encoded: false,
      ...overrides,
    }) as unknown as LambdaEvent;
  const context = { awsRequestId: 'request-1', functionName: 'dashboard-api' } as Context;

  it('is read with its headers in any case and its query', async () => {
    const handler = lambdaHandler(
      createDashboardApp({ forecasts: new InMemoryForecastStore(), token: 'abc' }),
    );

    const result = await handler(event(), context);

    expect(result.statusCode).toBe(304);
    expect(result.headers?.etag).toBe('"fc-none"');
  });

  it('gets binary bodies back base64-encoded, text as it is', async () => {
    const handler = lambdaHandler(createDashboardApp({ forecasts: await storeWith(syntheticRecord(50)) }));
    const zipped = await handler(event({ headers: { 'accept-encoding': 'gzip' } }), context);
    const plain = await handler(event({ headers: {} }), context);

    expect(zipped.isBase64Encoded).toBe(true);
    const decoded = gunzipSync(Buffer.from(zipped.body, 'base64')).toString();
    expect(JSON.parse(decoded).forecast.orders).toHaveLength(50);
    expect(plain.isBase64Encoded).toBe(false);
    expect(plain.statusCode).toBe(200);
    expect(JSON.parse(plain.body).forecast.orders).toHaveLength(50);
  });
});
