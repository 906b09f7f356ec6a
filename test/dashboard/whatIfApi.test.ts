// POST /api/whatif and /api/recommend without a network: the app with the live what-if on a state
// store in memory (the demo plant's snapshot): the ranked table and the forecasts, bad bodies as 400
// naming what is wrong, the token, and a dashboard without access to the live state.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LiveSnapshotAnswer, RecommendAnswer, Variant, WhatIfAnswer } from '../../contracts/whatIf.ts';
import { createDashboardApp } from '../../dashboard/app.ts';
import { liveOf, runDragged } from '../../dashboard/page/dragEngine.ts';
import { InMemoryForecastStore } from '../../forecast/ForecastStore.ts';
import {
  createLiveWhatIf,
  WHATIF_MAX_REPLICATIONS,
  WHATIF_MAX_VARIANTS,
} from '../../lambdas/dashboardWhatIf.ts';
import { orderFlowModel, parsePlantModel, type Snapshot } from '../../orderflow/index.ts';
import type { StateStore } from '../../state/StateStore.ts';

const snapshot = JSON.parse(
  readFileSync(new URL('../../examples/demo-snapshot.json', import.meta.url), 'utf8'),
) as Snapshot;
const iso = (ms: number) => new Date(ms).toISOString();

/** A state store that holds the demo snapshot and counts its reads; it cannot write. */
function liveStates() {
  const reads = { listActive: 0, plantState: 0 };
  const states = {
    listActive: async () => {
      reads.listActive++;
      return structuredClone(snapshot.orders);
    },
    plantState: async () => {
      reads.plantState++;
      return { stations: [], maintenance: [] };
    },
  } as unknown as StateStore;
  return { states, reads };
}

function app(options: { token?: string; live?: boolean } = {}) {
  const { states, reads } = liveStates();
  const whatIf =
    options.live === false
      ? undefined
      : createLiveWhatIf({
          states,
          tableName: 'order-state',
          model: orderFlowModel,
          clock: () => snapshot.asOf,
        });
  const dashboard = createDashboardApp({
    forecasts: new InMemoryForecastStore(),
    token: options.token,
    whatIf,
  });
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await dashboard.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = (response.headers.get('content-encoding') === 'gzip' ? gunzipSync(bytes) : bytes).toString(
      'utf8',
    );
    return { status: response.status, headers: response.headers, json: JSON.parse(text) };
  };
  return { post, reads };
}

const oneMoreLine = {
  name: 'one more line',
  changes: [{ change: 'units', station: 'line', add: 1 }],
};

describe('POST /api/whatif', () => {
  it('ranks the variants beside the baseline on the live state, with the forecasts of both', async () => {
    const { post, reads } = app();

    const { status, headers, json } = await post('/api/whatif', { variants: [oneMoreLine], replications: 4 });

    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    const answer = json as WhatIfAnswer;
    expect(answer.asOf).toBe(snapshot.asOf);
    expect(answer.replications).toBe(4);
    expect(answer.variants.map((v) => [v.rank, v.name, v.verdict])).toEqual([
      [1, 'one more line', 'better'],
      [2, 'baseline', 'baseline'],
    ]);
    const variant = answer.variants[0]!;
    expect(variant.kpis.lateOrders).toBeLessThan(answer.variants[1]!.kpis.lateOrders);
    expect(variant.difference!.lateOrders.ci).toHaveLength(2);
    expect(variant).not.toHaveProperty('forecast');
    expect(Object.keys(answer.forecasts).sort()).toEqual(['baseline', 'one more line']);
    for (const forecast of Object.values(answer.forecasts)) {
      expect(forecast.asOf).toBe(snapshot.asOf);
      expect(forecast.orders.map((o) => o.orderId)).toEqual(['order-1', 'order-2', 'order-3', 'order-4']);
      expect(forecast.stateVersion.activeOrders).toBe(snapshot.orders.length);
    }
    expect(reads).toEqual({ listActive: 1, plantState: 1 });
  });

  it('takes one variant as the whole body', async () => {
    const { post } = app();

    const { status, json } = await post('/api/whatif', oneMoreLine);

    expect(status).toBe(200);
    expect((json as WhatIfAnswer).variants.map((v) => v.name).sort()).toEqual(['baseline', 'one more line']);
  });

  it.each([
    ['not JSON', '{"variants": [', /^the body is not JSON/],
    ['not an object', [oneMoreLine], /^the body must be a JSON object/],
    ['no variants', { replications: 2 }, /^variants: missing/],
    [
      'a malformed time',
      { variants: { name: 'x', changes: [{ change: 'expedite', order: 'order-4', eta: 'tomorrow' }] } },
      /^variants\.changes\[0\]\.eta: expected an ISO-8601 time/,
    ],
    [
      'an order the plant does not have',
      {
        variants: [
          { name: 'x', changes: [{ change: 'expedite', order: 'order-9', eta: iso(snapshot.asOf) }] },
        ],
      },
      /order "order-9" is not an active order/,
    ],
    [
      'a station the model does not have',
      { variants: [{ name: 'x', changes: [{ change: 'units', station: 'oven', add: 1 }] }] },
      /"oven"/,
    ],
    [
      'the baseline name',
      { variants: [{ name: 'baseline', changes: [] }] },
      /"baseline" names the live plant/,
    ],
    [
      'too many replications',
      { variants: [oneMoreLine], replications: 10_000 },
      /^replications: must be a whole number from 0 to/,
    ],
    [
      'an unknown objective',
      { variants: [oneMoreLine], objective: ['speed'] },
      /^objective: "speed" is not one of late-orders/,
    ],
    ['an unknown field', { variants: [oneMoreLine], budget: 3 }, /^budget: unknown field/],
    [
      'too many variants',
      {
        variants: Array.from({ length: WHATIF_MAX_VARIANTS + 1 }, (_, i) => ({ name: `v${i}`, changes: [] })),
      },
      new RegExp(`at most ${WHATIF_MAX_VARIANTS} run at once`),
    ],
  ])('answers %s with 400 and what is wrong, without a stack', async (_what, body, message) => {
    const { post } = app();

    const { status, json } = await post('/api/whatif', body);

    expect(status).toBe(400);
    expect(json.error).toBe('bad-request');
    expect(json.message).toMatch(message);
    expect(JSON.stringify(json)).not.toMatch(/\n\s+at |\.ts:\d+/);
    expect(WHATIF_MAX_REPLICATIONS).toBeLessThan(10_000);
  });

  it('needs the token, as the forecast does', async () => {
    const { post, reads } = app({ token: 'sesame' });

    const without = await post('/api/whatif', oneMoreLine);
    const wrong = await post('/api/whatif', oneMoreLine, { authorization: 'Bearer nope' });
    const right = await post('/api/whatif', oneMoreLine, { authorization: 'Bearer sesame' });

    expect(without.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(right.status).toBe(200);
    expect(reads.listActive).toBe(1);
  });

  it('says so when the dashboard cannot read the live state', async () => {
    const { post } = app({ live: false });

    const { status, json } = await post('/api/whatif', oneMoreLine);

    expect(status).toBe(501);
    expect(json).toEqual({
      error: 'not-available',
      message: 'this dashboard cannot run what-if: it was started without access to the live state',
    });
  });

  it('refuses a body over 64 KB with 413', async () => {
    const { post } = app();

    const { status, json } = await post('/api/whatif', {
      variants: [{ name: 'x'.repeat(70_000), changes: [] }],
    });

    expect(status).toBe(413);
    expect(json.error).toBe('too-large');
  });

  it('answers GET with 405 naming POST', async () => {
    const dashboard = createDashboardApp({ forecasts: new InMemoryForecastStore() });

    const response = await dashboard.request('/api/whatif');

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(((await response.json()) as { message: string }).message).toBe('GET is not allowed: use POST');
  });
});

describe('GET /api/snapshot', () => {
  it('gives the page the live state and the model, with which the page computes what the server does', async () => {
    const { states } = liveStates();
    const live = createLiveWhatIf({
      states,
      tableName: 'order-state',
      model: orderFlowModel,
      clock: () => snapshot.asOf,
    });
    const dashboard = createDashboardApp({
      forecasts: new InMemoryForecastStore(),
      token: 'sesame',
      whatIf: live,
    });

    const refused = await dashboard.request('/api/snapshot');
    const response = await dashboard.request('/api/snapshot', {
      headers: { authorization: 'Bearer sesame' },
    });

    expect(refused.status).toBe(401);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as LiveSnapshotAnswer;
    expect(answer.snapshot).toEqual(snapshot);
    expect(parsePlantModel(answer.model)).toEqual(orderFlowModel);
    // The page runs the order domain on what it was given: the same as the server's what-if.
    const variant = { name: 'one more line', changes: [oneMoreLine.changes[0]!] } as Variant;
    const inPage = runDragged(liveOf(answer), variant);
    const onServer = await live.whatIf({ variants: [variant] });
    expect(inPage.forecast.orders).toEqual(onServer.forecasts['one more line']!.orders);
    expect(inPage.verdict).toBe('better');
  });
});

describe('POST /api/recommend', () => {
  it("lists the twin's own proposals that do better, each a variant ready for /api/whatif", async () => {
    const { post } = app();

    const { status, json } = await post('/api/recommend', {});

    expect(status).toBe(200);
    const answer = json as RecommendAnswer;
    expect(answer.asOf).toBe(snapshot.asOf);
    expect(answer.proposed).toBeGreaterThan(0);
    expect(answer.recommendations.length).toBeGreaterThan(0);
    for (const r of answer.recommendations) {
      expect(r.text.startsWith(`${r.name}: `)).toBe(true);
      expect(r.changes.length).toBeGreaterThan(0);
    }
    const first = answer.recommendations[0]!;
    const run = await post('/api/whatif', { variants: [{ name: first.name, changes: first.changes }] });
    expect((run.json as WhatIfAnswer).variants[0]!.name).toBe(first.name);
  });

  it('answers an unknown field with 400', async () => {
    const { post } = app();

    const { status, json } = await post('/api/recommend', { variants: [] });

    expect(status).toBe(400);
    expect(json.message).toMatch(
      /^variants: unknown field; the body takes replications, seed, objective, max/,
    );
  });
});
