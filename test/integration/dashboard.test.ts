// The dashboard API against DynamoDB Local with seeded forecasts: through the local HTTP server, the
// Lambda entry (payload 2.0 events) and `twin dashboard` as a process; ETag and 304, the empty state,
// the token, errors as one JSON line, and many plants (`?plant=`, the overview, per-plant ETags).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../contracts/alerts.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { DynamoDbAlertSource } from '../../dashboard/alertSource.ts';
import { DynamoDbForecastSource } from '../../dashboard/forecastSource.ts';
import { type DashboardServer, startDashboardServer } from '../../dashboard/server.ts';
import { DynamoDbAlertSink } from '../../forecast/DynamoDbAlertSink.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { createDocumentClient, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/clients.ts';
import { createTableInputs } from '../../local/provision.ts';
import { demoRecord, flowShopRecord, syntheticRecord } from '../dashboard/fixtures.ts';
import { useEmulators } from '../support/emulators.ts';

describe('dashboard API on DynamoDB Local', () => {
  const env = useEmulators('kinesalite');
  const servers: DashboardServer[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  /** A fresh, empty forecasts table. */
  async function freshTable(): Promise<string> {
    const names = resourceNames(`dash-${randomUUID().slice(0, 8)}-`);
    await env.clients.dynamodb.send(new CreateTableCommand(createTableInputs(names).forecasts));
    return names.forecastsTable;
  }

  async function serve(table: string, token?: string): Promise<DashboardServer> {
    const server = await startDashboardServer({
      forecasts: new DynamoDbForecastSource(env.clients.documentClient, table),
      alerts: new DynamoDbAlertSource(env.clients.documentClient, table),
      token,
      build: false,
    });
    servers.push(server);
    return server;
  }

  it('serves the stored forecast, then 304 while it stays the latest, then the newer one', async () => {
    const table = await freshTable();
    const store = new DynamoDbForecastStore(env.clients.documentClient, table);
    const first = demoRecord(31);
    await store.save(first);
    const server = await serve(table);
    const url = `${server.url}api/forecast`;

    const response = await fetch(url);
    const etag = response.headers.get('etag')!;
    const unchanged = await fetch(url, { headers: { 'if-none-match': etag } });
    const newer = demoRecord(41);
    await store.save(newer);
    const changed = await fetch(url, { headers: { 'if-none-match': etag } });

    expect(response.status).toBe(200);
    expect(etag).toBe(`"fc-${first.asOf}-${first.generatedAt}"`);
    expect(await response.json()).toEqual({ forecast: first });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe(`"fc-${newer.asOf}-${newer.generatedAt}"`);
    expect(((await changed.json()) as { forecast: { asOf: number } }).forecast.asOf).toBe(newer.asOf);
  });

  it('serves a forecast of 2,000 orders stored over several items, gzip-compressed on the wire', async () => {
    const table = await freshTable();
    const record = syntheticRecord(2_000);
    await new DynamoDbForecastStore(env.clients.documentClient, table).save(record);
    const server = await serve(table);

    const response = await fetch(`${server.url}api/forecast`);

    expect(response.headers.get('content-encoding')).toBe('gzip');
    const body = (await response.json()) as { forecast: typeof record };
    expect(body.forecast.orders).toHaveLength(record.orders.length);
    expect(body.forecast.orders).toEqual(record.orders);
  });

  it('serves a forecast of any model whole: the flow shop’s steps, stations and model, as stored', async () => {
    const table = await freshTable();
    const record = flowShopRecord();
    await new DynamoDbForecastStore(env.clients.documentClient, table).save(record);
    const server = await serve(table);

    const response = await fetch(`${server.url}api/forecast`);

    const { forecast } = (await response.json()) as { forecast: typeof record };
    expect(forecast).toEqual(record);
    expect(forecast.model).toMatchObject({ name: 'flow-shop', timeUnit: 'min' });
    expect(forecast.stations.map((s) => s.station)).toEqual(['saw', 'welder', 'booth']);
    expect(new Set(forecast.orders.flatMap((o) => o.steps.map((s) => s.step)))).toEqual(
      new Set(['material', 'cut', 'weld', 'paint']),
    );
  });

  it('answers the empty state when no forecast was ever stored', async () => {
    const server = await serve(await freshTable());

    const response = await fetch(`${server.url}api/forecast`);
    const again = await fetch(`${server.url}api/forecast`, {
      headers: { 'if-none-match': response.headers.get('etag')! },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ forecast: null });
    expect(again.status).toBe(304);
  });

  it('requires the token when one is set', async () => {
    const table = await freshTable();
    await new DynamoDbForecastStore(env.clients.documentClient, table).save(demoRecord(31));
    const server = await serve(table, 'tok-123');

    const without = await fetch(`${server.url}api/forecast`);
    const wrong = await fetch(`${server.url}api/forecast?token=tok-124`);
    const bearer = await fetch(`${server.url}api/forecast`, { headers: { authorization: 'Bearer tok-123' } });
    const query = await fetch(`${server.url}api/forecast?token=tok-123`);

    expect(without.status).toBe(401);
    expect(await without.json()).toMatchObject({ error: 'unauthorized' });
    expect(wrong.status).toBe(401);
    expect(bearer.status).toBe(200);
    expect(query.status).toBe(200);
  });

  it('names a missing table in one JSON line, with no stack trace', async () => {
    const server = await serve('no-such-table');

    const response = await fetch(`${server.url}api/forecast`);
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: 'no-table',
      message: 'the forecasts table "no-such-table" does not exist',
    });
  });

  it('answers 503 when DynamoDB does not answer', async () => {
    const unreachable = createDocumentClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const server = await startDashboardServer({
      forecasts: new DynamoDbForecastSource(unreachable, 'forecasts'),
      build: false,
    });
    servers.push(server);

    const response = await fetch(`${server.url}api/forecast`);

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ error: 'unavailable' });
    unreachable.destroy();
  });

  describe('many plants', () => {
    /** A table with the default plant's forecast and those of plants north and south, as saved. */
    async function plantsTable() {
      const table = await freshTable();
      const store = new DynamoDbForecastStore(env.clients.documentClient, table);
      const records = {
        default: demoRecord(31),
        north: { ...demoRecord(41), plantId: 'north' },
        south: { ...flowShopRecord(), plantId: 'south' },
      };
      for (const record of Object.values(records)) await store.save(record);
      return { table, store, records };
    }

    it("serves the plant's forecast that ?plant= names, and the default plant's without it", async () => {
      const { table, records } = await plantsTable();
      const server = await serve(table);

      const [plain, named, north, south] = await Promise.all(
        ['', '?plant=default', '?plant=north', '?plant=south'].map((q) =>
          fetch(`${server.url}api/forecast${q}`),
        ),
      );

      expect(await plain!.json()).toEqual({ forecast: records.default });
      expect(await named!.json()).toEqual({ forecast: records.default });
      expect(await north!.json()).toEqual({ forecast: records.north });
      expect(await south!.json()).toEqual({ forecast: records.south });
      expect(plain!.headers.get('etag')).toBe(`"fc-${records.default.asOf}-${records.default.generatedAt}"`);
      expect(north!.headers.get('etag')).toBe(
        `"fc-north-${records.north.asOf}-${records.north.generatedAt}"`,
      );
    });

    it("answers 304 per plant: a new forecast of one plant changes that plant's ETag only", async () => {
      const { table, store, records } = await plantsTable();
      const server = await serve(table);
      const url = (plant: string) => `${server.url}api/forecast?plant=${plant}`;
      const tags = {
        north: (await fetch(url('north'))).headers.get('etag')!,
        south: (await fetch(url('south'))).headers.get('etag')!,
      };

      const newer = { ...demoRecord(51), plantId: 'north' };
      await store.save(newer);
      const north = await fetch(url('north'), { headers: { 'if-none-match': tags.north } });
      const south = await fetch(url('south'), { headers: { 'if-none-match': tags.south } });
      const crossed = await fetch(url('south'), { headers: { 'if-none-match': tags.north } });

      expect(tags.north).not.toBe(tags.south);
      expect(north.status).toBe(200);
      expect(((await north.json()) as { forecast: { asOf: number } }).forecast.asOf).toBe(newer.asOf);
      expect(south.status).toBe(304);
      expect(crossed.status).toBe(200);
      expect(await crossed.json()).toEqual({ forecast: records.south });
    });

    it('answers { forecast: null } for a plant without a forecast, and 400 naming a plant that is no plant id', async () => {
      const { table } = await plantsTable();
      const server = await serve(table);

      const none = await fetch(`${server.url}api/forecast?plant=west`);
      const bad = await fetch(`${server.url}api/forecast?plant=${encodeURIComponent('no/such plant')}`);
      const empty = await fetch(`${server.url}api/forecast?plant=`);
      const badAlerts = await fetch(`${server.url}api/alerts?plant=-x`);

      expect(none.status).toBe(200);
      expect(none.headers.get('etag')).toBe('"fc-west-none"');
      expect(await none.json()).toEqual({ forecast: null });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({
        error: 'bad-request',
        message: expect.stringMatching(
          /^plant "no\/such plant" is not a plant id: it must be 1 to 64 letters/,
        ),
      });
      expect(empty.status).toBe(400);
      expect(badAlerts.status).toBe(400);
      expect(((await badAlerts.json()) as { message: string }).message).toMatch(
        /^plant "-x" is not a plant id/,
      );
    });

    it('lists every plant in GET /api/plants by plant id, behind the token, gzip-compressed when large', async () => {
      const { table, records } = await plantsTable();
      for (let i = 0; i < 30; i++) {
        await new DynamoDbForecastStore(env.clients.documentClient, table).save({
          ...demoRecord(20 + i),
          plantId: `plant-${String(i).padStart(2, '0')}`,
        });
      }
      const server = await serve(table, 'tok-9');

      const refused = await fetch(`${server.url}api/plants`);
      const response = await fetch(`${server.url}api/plants`, {
        headers: { authorization: 'Bearer tok-9', 'accept-encoding': 'gzip' },
      });

      expect(refused.status).toBe(401);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-encoding')).toBe('gzip');
      const { plants } = (await response.json()) as { plants: { plantId: string }[] };
      expect(plants.map((p) => p.plantId)).toEqual([
        'default',
        'north',
        ...Array.from({ length: 30 }, (_, i) => `plant-${String(i).padStart(2, '0')}`),
        'south',
      ]);
      expect(plants.find((p) => p.plantId === 'north')).toEqual({
        plantId: 'north',
        asOf: records.north.asOf,
        generatedAt: records.north.generatedAt,
        latestEventAt: records.north.stateVersion.latestEventAt,
        activeOrders: records.north.kpis.activeOrders,
        ordersLate: records.north.kpis.ordersLate,
        ordersDelayed: records.north.kpis.ordersDelayed,
      });
      expect(records.north.kpis.activeOrders).toBeGreaterThan(0);
    });

    it("serves each plant's own alerts under ?plant=", async () => {
      const table = await freshTable();
      const alert = (plantId: string | undefined, orderId: string): Alert => ({
        kind: 'lateness',
        id: `lateness-${orderId}`,
        asOf: Date.UTC(2026, 0, 5, 8),
        raisedAt: Date.UTC(2026, 0, 5, 8),
        orderId,
        change: 'late',
        was: 'on-time',
        latenessMs: 60_000,
        text: `${orderId} will be 1 min late`,
        ...(plantId !== undefined && { plantId }),
      });
      await new DynamoDbAlertSink(env.clients.documentClient, table).publish([
        alert(undefined, 'order-1'),
        alert('north', 'order-2'),
        alert('north', 'order-3'),
      ]);
      const server = await serve(table);
      const ids = async (query: string) =>
        ((await (await fetch(`${server.url}api/alerts${query}`)).json()) as { alerts: Alert[] }).alerts
          .map((a) => (a.kind === 'lateness' ? a.orderId : a.id))
          .sort();

      expect(await ids('')).toEqual(['order-1']);
      expect(await ids('?plant=north')).toEqual(['order-2', 'order-3']);
      expect(await ids('?plant=south')).toEqual([]);
    });
  });

  describe('the Lambda entry (lambdas/dashboard-api.ts)', () => {
    let table: string;
    let record: ReturnType<typeof demoRecord>;

    beforeAll(async () => {
      table = await freshTable();
      record = demoRecord(31);
      await new DynamoDbForecastStore(env.clients.documentClient, table).save(record);
    });

    afterAll(() => {
      vi.unstubAllEnvs();
    });

    async function loadHandler(extraEnv: Record<string, string | undefined>) {
      vi.resetModules();
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', env.running.endpoints.dynamodb);
      vi.stubEnv('AWS_REGION', LOCAL_REGION);
      vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
      vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
      vi.stubEnv('FORECASTS_TABLE', table);
      for (const [name, value] of Object.entries(extraEnv)) vi.stubEnv(name, value);
      const module = await import('../../lambdas/dashboard-api.ts');
      const handler = module.handler as unknown as (
        e: APIGatewayProxyEventV2,
        context: Context,
      ) => Promise<APIGatewayProxyStructuredResultV2>;
      return (e: APIGatewayProxyEventV2, requestId = 'request-1') =>
        handler(e, { ...lambdaContext, awsRequestId: requestId });
    }

    const lambdaContext = {
      functionName: 'dashboard-api',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:dashboard-api',
      memoryLimitInMB: '512',
      awsRequestId: 'request-1',
    } as Context;

    const event = (headers: Record<string, string>, rawQueryString = ''): APIGatewayProxyEventV2 =>
      ({
        version: '2.0',
        routeKey: '$default',
        rawPath: '/api/forecast',
        rawQueryString,
        headers,
        requestContext: { http: { method: 'GET', path: '/api/forecast' } },
        isBase64Encoded: false,
      }) as unknown as APIGatewayProxyEventV2;

    it('serves the forecast to a function URL event that carries the token, and 304 after', async () => {
      const handler = await loadHandler({ DASHBOARD_TOKEN: 'lambda-token' });

      const denied = await handler(event({}));
      const served = await handler(event({ authorization: 'Bearer lambda-token' }));
      const unchanged = await handler(
        event({ 'if-none-match': String(served.headers!.etag) }, 'token=lambda-token'),
      );

      expect(denied.statusCode).toBe(401);
      expect(served.statusCode).toBe(200);
      expect(JSON.parse(served.body!)).toEqual({ forecast: record });
      expect(unchanged.statusCode).toBe(304);
    });

    it('serves the plant ?plant= names, and the overview at /api/plants, to function URL events', async () => {
      const north = { ...demoRecord(41), plantId: 'north' };
      await new DynamoDbForecastStore(env.clients.documentClient, table).save(north);
      const handler = await loadHandler({ DASHBOARD_TOKEN: 'lambda-token' });
      const auth = { authorization: 'Bearer lambda-token' };

      const served = await handler(event(auth, 'plant=north'));
      const overview = await handler({
        ...event(auth),
        rawPath: '/api/plants',
        requestContext: { http: { method: 'GET', path: '/api/plants' } },
      } as unknown as APIGatewayProxyEventV2);

      expect(JSON.parse(served.body!)).toEqual({ forecast: north });
      expect(served.headers!.etag).toBe(`"fc-north-${north.asOf}-${north.generatedAt}"`);
      expect(overview.statusCode).toBe(200);
      expect(
        (JSON.parse(overview.body!) as { plants: { plantId: string; asOf: number }[] }).plants.map((p) => [
          p.plantId,
          p.asOf,
        ]),
      ).toEqual([
        ['default', record.asOf],
        ['north', north.asOf],
      ]);
    });

    it('will not start without a token unless IAM auth guards the function URL', async () => {
      await expect(loadHandler({ DASHBOARD_TOKEN: '' })).rejects.toThrow(
        /environment variable DASHBOARD_TOKEN is not set/,
      );
      const behindIam = await loadHandler({ DASHBOARD_TOKEN: '', DASHBOARD_AUTH: 'iam' });

      expect((await behindIam(event({}))).statusCode).toBe(200);
    });

    it('takes its token from a secret or from DASHBOARD_TOKEN, never both', async () => {
      try {
        await expect(
          loadHandler({ DASHBOARD_TOKEN: 'lambda-token', DASHBOARD_TOKEN_SECRET: 'twin/dashboard-token' }),
        ).rejects.toThrow(/DASHBOARD_TOKEN_SECRET and DASHBOARD_TOKEN are both set/);
      } finally {
        vi.stubEnv('DASHBOARD_TOKEN_SECRET', undefined);
      }
    });

    it('answers a gzip-encoded forecast base64-encoded, and text as it is', async () => {
      const handler = await loadHandler({ DASHBOARD_TOKEN: 'lambda-token' });

      const zipped = await handler(
        event({ authorization: 'Bearer lambda-token', 'accept-encoding': 'gzip' }),
      );
      const plain = await handler(event({ authorization: 'Bearer lambda-token' }));

      expect(zipped.statusCode).toBe(200);
      expect(zipped.headers!['content-encoding']).toBe('gzip');
      expect(zipped.isBase64Encoded).toBe(true);
      expect(JSON.parse(gunzipSync(Buffer.from(zipped.body!, 'base64')).toString())).toEqual({
        forecast: record,
      });
      expect(plain.isBase64Encoded).toBe(false);
      expect(JSON.parse(plain.body!)).toEqual({ forecast: record });
    });

    it('logs a failure with the request id and whether the container was cold', async () => {
      const lines: string[] = [];
      const capture = (chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      };
      const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
      try {
        const handler = await loadHandler({
          DASHBOARD_TOKEN: '',
          DASHBOARD_AUTH: 'iam',
          FORECASTS_TABLE: 'no-such-table',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
          // As Lambda sets it for an on-demand container: Powertools reports cold starts only then.
          AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        });

        const first = await handler(event({}), 'request-cold');
        const second = await handler(event({}), 'request-warm');

        expect(first.statusCode).toBe(500);
        expect(second.statusCode).toBe(500);
      } finally {
        stdout.mockRestore();
        stderr.mockRestore();
      }
      const logged = lines
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged).toEqual([
        expect.objectContaining({
          level: 'ERROR',
          message: 'reading the latest forecast failed',
          function_request_id: 'request-cold',
          cold_start: true,
        }),
        expect.objectContaining({ function_request_id: 'request-warm', cold_start: false }),
      ]);
    });
  });

  describe('twin dashboard, as a process', () => {
    let child: ChildProcess | undefined;

    afterAll(() => {
      if (child && child.exitCode === null) child.kill('SIGKILL');
    });

    it('serves the page and the API until SIGTERM, then exits 0', async () => {
      const table = await freshTable();
      await new DynamoDbForecastStore(env.clients.documentClient, table).save(demoRecord(31));
      child = spawn(
        process.execPath,
        [
          'bin/twin.cjs',
          'dashboard',
          '--port',
          '0',
          '--endpoint',
          env.running.endpoints.dynamodb,
          '--table',
          table,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DASHBOARD_TOKEN: '' } },
      );
      let stdout = '';
      const url = await new Promise<string>((resolve, reject) => {
        child!.stdout!.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = stdout.match(/Dashboard: (http:\/\/\S+)/);
          if (match) resolve(match[1]!);
        });
        child!.once('exit', (code) => reject(new Error(`twin dashboard exited with ${code}: ${stdout}`)));
      });

      const page = await fetch(url);
      const api = await fetch(`${url}api/forecast`);
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');

      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="gantt"');
      expect(api.status).toBe(200);
      expect(((await api.json()) as { forecast: { orders: unknown[] } }).forecast.orders).toHaveLength(4);
      expect(stdout).toContain(`Forecasts from table "${table}"`);
      expect(await exited).toBe(0);
    }, 60_000);
  });
});
