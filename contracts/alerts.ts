// Alerts: what the twin tells people without being looked at. An order newly late or at risk (or
// no longer so), and the forecasts drifting from what really happens. Raised once per change, never
// once per forecast; delivered to an SNS topic on AWS, to `alerts.jsonl` and the status line in the
// embedded twin, and to the dashboard's banner and alert list.

/** How an order's outlook changed between two forecasts. */
export type LatenessChange = 'late' | 'at-risk' | 'on-time';

export interface LatenessAlert {
  kind: 'lateness';
  /** Unique and stable: raising the same change twice gives the same id (deduplication). */
  id: string;
  /** When the forecast that raised it was made: its `asOf`, plant time, epoch ms. */
  asOf: number;
  /** Wall clock when it was raised, epoch ms. */
  raisedAt: number;
  plantId?: string;
  orderId: string;
  /** What the order is now: late, at risk, or on time again (no longer late or at risk). */
  change: LatenessChange;
  /** What it was before. */
  was: LatenessChange;
  /** Its predicted lateness (ms, > 0 when late). */
  latenessMs?: number;
  onTimeProbability?: number;
  /** The forecast's delay cause (`own-material`, `knock-on`, `overrun`, `overdue-material`, ...). */
  cause?: string;
  /** The station (or step) where its delay arises, if the forecast names one. */
  station?: string;
  step?: string;
  /** One line for a person: "order-3 will be 4 min late (knock-on, at line)". */
  text: string;
}

export interface DriftAlert {
  kind: 'drift';
  id: string;
  asOf: number;
  raisedAt: number;
  plantId?: string;
  /** The forecast horizon (ms) whose accuracy left its bounds. */
  horizonMs: number;
  /** What left its bounds: the rolling MAPE of the remaining time, or the P10–P90 coverage. */
  measure: 'mape' | 'coverage';
  value: number;
  /** The bound it crossed: the MAPE threshold (0.08), or the coverage band [0.7, 0.9]. */
  bound: number | readonly [number, number];
  /** Comparisons in the rolling window behind the figure. */
  samples: number;
  text: string;
}

/** The twin recalibrated its model (on drift, on schedule, or by hand). */
export interface CalibrationAlert {
  kind: 'calibration';
  id: string;
  asOf: number;
  raisedAt: number;
  plantId?: string;
  calibrationId: string;
  reason: 'drift' | 'schedule' | 'manual';
  text: string;
}

export type Alert = LatenessAlert | DriftAlert | CalibrationAlert;

/** Where alerts go: SNS, a JSON-lines file, memory (tests). Delivers each alert at least once. */
export interface AlertSink {
  publish(alerts: readonly Alert[]): Promise<void>;
}

/** Keeps alerts in memory (tests). */
export class InMemoryAlertSink implements AlertSink {
  readonly alerts: Alert[] = [];
  async publish(alerts: readonly Alert[]): Promise<void> {
    this.alerts.push(...alerts);
  }
}
