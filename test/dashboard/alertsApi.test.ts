// GET /api/alerts: the twin's recent alerts, newest first, behind the same token as the forecast;
// a bad limit is a 400 that says what is wrong, a dashboard without alerts answers an empty list.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../contracts/alerts.ts';
import type { AlertSource } from '../../dashboard/alertSource.ts';
import { createDashboardApp, type DashboardAppOptions } from '../../dashboard/app.ts';
import { ForecastUnavailableError } from '../../dashboard/errors.ts';
import { InMemoryForecastStore } from '../../forecast/ForecastStore.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const alerts: Alert[] = [
  {
    kind: 'drift',
    id: 'drift-1',
    asOf: T0 + 60_000,
    raisedAt: T0,
    horizonMs: 3_600_000,
    measure: 'mape',
    value: 0.12,
    bound: 0.08,
    samples: 40,
    text: 'forecasts 1 h ahead are off by 12 % (over 8 %)',
  },
  {
    kind: 'lateness',
    id: 'lateness-0-order-3-on-time-late',
    asOf: T0,
    raisedAt: T0,
    orderId: 'order-3',
    change: 'late',
    was: 'on-time',
    latenessMs: 80_000,
    text: 'order-3 will be 1 min 20 s late (knock-on, at line)',
  },
];

const source = (list: Alert[] = alerts): AlertSource & { limits: number[] } => {
  const limits: number[] = [];
  return {
    limits,
    recent: async (limit) => {
      limits.push(limit);
      return list.slice(0, limit);
    },
  };
};

async function call(
  options: Partial<DashboardAppOptions>,
  path: string,
  headers: Record<string, string> = {},
) {
  const app = createDashboardApp({ forecasts: new InMemoryForecastStore(), ...options });
  const response = await app.request(path, { headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('GET /api/alerts', () => {
  it('answers the newest alerts, newest first, 50 unless asked for fewer, never kept by a cache', async () => {
    const alertSource = source();

    const all = await call({ alerts: alertSource }, '/api/alerts');
    const one = await call({ alerts: alertSource }, '/api/alerts?limit=1');

    expect(all.status).toBe(200);
    expect(all.body).toEqual({ alerts });
    expect(all.headers.get('cache-control')).toBe('no-store');
    expect(one.body.alerts.map((a: Alert) => a.id)).toEqual(['drift-1']);
    expect(alertSource.limits).toEqual([50, 1]);
  });

  it('refuses a limit that is not a whole number from 1 to 200, saying so', async () => {
    for (const limit of ['0', '201', 'ten', '1.5']) {
      const { status, body } = await call({ alerts: source() }, `/api/alerts?limit=${limit}`);
      expect(status, limit).toBe(400);
      expect(body).toEqual({
        error: 'bad-request',
        message: `limit must be a whole number from 1 to 200, got "${limit}"`,
      });
    }
  });

  it('needs the token when one is set', async () => {
    const refused = await call({ alerts: source(), token: 's3cret' }, '/api/alerts');
    const letIn = await call({ alerts: source(), token: 's3cret' }, '/api/alerts', {
      authorization: 'Bearer s3cret',
    });

    expect(refused.status).toBe(401);
    expect(letIn.status).toBe(200);
  });

  it('answers an empty list when the dashboard has no alerts, and 503 when the table does not answer', async () => {
    const none = await call({}, '/api/alerts');
    const down = await call(
      {
        alerts: {
          recent: () =>
            Promise.reject(new ForecastUnavailableError('the forecasts table did not answer (ECONNREFUSED)')),
        },
      },
      '/api/alerts',
    );

    expect(none.status).toBe(200);
    expect(none.body).toEqual({ alerts: [] });
    expect(down.status).toBe(503);
    expect(down.body).toEqual({
      error: 'unavailable',
      message: 'the forecasts table did not answer (ECONNREFUSED)',
    });
  });
});
