// The dashboard's alert banner: which alert it shows (the newest that needs attention and is not
// acknowledged), without a browser.
import { describe, expect, it } from 'vitest';
import type { Alert, LatenessAlert } from '../../contracts/alerts.ts';
import { bannerAlert } from '../../dashboard/page/alertsPanel.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const lateness = (orderId: string, change: LatenessAlert['change'], minutes: number): LatenessAlert => ({
  kind: 'lateness',
  id: `${orderId}-${change}-${minutes}`,
  asOf: T0 + minutes * 60_000,
  raisedAt: T0,
  orderId,
  change,
  was: change === 'on-time' ? 'late' : 'on-time',
  text: `${orderId} ${change}`,
});
const drift: Alert = {
  kind: 'drift',
  id: 'drift-20',
  asOf: T0 + 20 * 60_000,
  raisedAt: T0,
  horizonMs: 3_600_000,
  measure: 'coverage',
  value: 0.5,
  bound: [0.7, 0.9],
  samples: 30,
  text: 'P10–P90 covers 50 %',
};

describe('the alert banner', () => {
  it('shows the newest alert that needs attention, whatever order the list comes in', () => {
    const alerts = [lateness('o3', 'late', 15), lateness('o4', 'at-risk', 30), drift];

    expect(bannerAlert(alerts, new Set())?.id).toBe('o4-at-risk-30');
  });

  it('passes over acknowledged alerts, calibrations, and an order that is on time again', () => {
    const alerts = [
      lateness('o3', 'late', 15),
      drift,
      lateness('o4', 'late', 30),
      lateness('o4', 'on-time', 40),
      {
        kind: 'calibration',
        id: 'c',
        asOf: T0 + 50 * 60_000,
        raisedAt: T0,
        calibrationId: 'x',
        reason: 'drift',
        text: 'recalibrated',
      } as Alert,
    ];

    expect(bannerAlert(alerts, new Set())?.id).toBe('drift-20');
    expect(bannerAlert(alerts, new Set(['drift-20']))?.id).toBe('o3-late-15');
    expect(bannerAlert(alerts, new Set(['drift-20', 'o3-late-15']))).toBeUndefined();
  });
});
