// After a forecast is saved as the latest: raise one lateness alert per order whose outlook changed
// since the forecast that last advanced the alerts' state, publish them, then advance the state.
//
// Delivery is at least once, never once per forecast: the state advances only after the alerts
// are published, and only from the version they were computed against. A publication that fails is
// a warning (the forecast is kept and its batch is not retried): the state stays, so the next
// forecast raises the same changes again, with the same ids. A forecast older than the state's
// raises nothing. Two forecasts racing from the same version may both publish a change (same id,
// so a reader can tell); the second then sees the state advanced and compares with it.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AlertSink, LatenessAlert } from '../contracts/alerts.ts';
import type { OrderForecast } from '../contracts/forecastRecord.ts';
import type { AlertStateStore } from './AlertStateStore.ts';
import { latenessAlerts, type Outlooks, outlooksOf } from './latenessAlerts.ts';

/** How often a forecast compares again after another advanced the state under it. */
const MAX_ATTEMPTS = 3;

export interface LatenessAlertDependencies {
  sink: AlertSink;
  state: AlertStateStore;
  logger: Pick<Logger, 'warn'>;
  /** Wall clock (default Date.now). */
  now?: () => number;
  plantId?: string;
}

/**
 * What happened, and the alerts published (`unpublished`: those it could not publish). `raised`: the alerts were published (none, when nothing changed) and the state advanced;
 * `stale`: a newer forecast had advanced the state already, nothing raised; `unpublished`: the
 * publication failed, the state stays for the next forecast to raise them again; `contended`: other
 * forecasts kept advancing the state, the next forecast compares afresh.
 */
export type LatenessAlertOutcome = 'raised' | 'stale' | 'unpublished' | 'contended';

/** Raises, publishes and records the lateness alerts of the forecast of `orders` at `asOf`. */
export async function raiseLatenessAlerts(
  forecast: { asOf: number; orders: readonly OrderForecast[] },
  deps: LatenessAlertDependencies,
): Promise<{ outcome: LatenessAlertOutcome; alerts: LatenessAlert[] }> {
  // Alerts published in an attempt whose state write lost the race: published all the same.
  const published: LatenessAlert[] = [];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const previous = await deps.state.read(deps.plantId);
    if (previous !== undefined && previous.asOf >= forecast.asOf)
      return { outcome: 'stale', alerts: published };
    const outlooks = outlooksOf(forecast.orders);
    const alerts = latenessAlerts(previous?.outlooks ?? {}, forecast.orders, {
      asOf: forecast.asOf,
      raisedAt: (deps.now ?? Date.now)(),
      basis: previous?.version ?? 0,
      plantId: deps.plantId,
    });
    // Nothing to raise and nothing left the outlooks: the stored state says the same, no write needed.
    if (alerts.length === 0 && sameOutlooks(previous?.outlooks ?? {}, outlooks)) {
      return { outcome: 'raised', alerts: published };
    }
    if (alerts.length > 0) {
      try {
        await deps.sink.publish(alerts);
      } catch (error) {
        deps.logger.warn('lateness alerts not published: the next forecast raises them again', {
          error: error as Error,
          alerts: alerts.length,
          asOf: new Date(forecast.asOf).toISOString(),
        });
        return { outcome: 'unpublished', alerts };
      }
      published.push(...alerts);
    }
    const next = { asOf: forecast.asOf, version: (previous?.version ?? 0) + 1, outlooks };
    if (await deps.state.advance(next, previous?.version, deps.plantId))
      return { outcome: 'raised', alerts: published };
  }
  deps.logger.warn(
    'lateness alerts: other forecasts kept advancing the alerts state; the next one compares afresh',
    {
      asOf: new Date(forecast.asOf).toISOString(),
    },
  );
  return { outcome: 'contended', alerts: published };
}

function sameOutlooks(a: Outlooks, b: Outlooks): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
