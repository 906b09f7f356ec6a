// The forecast as stored in the `forecasts` table and served to the dashboard.
import type { Forecast, OrderForecast } from '../orderflow/types.ts';

/** The parts of a forecast, as the forecast computes them (the dashboard reads them from here). */
export type {
  DelayCause,
  ForecastKpis,
  ModelSummary,
  OrderForecast,
  OutageKind,
  Position,
  StationForecast,
  StationOutage,
  StepKind,
  StepSpan,
} from '../orderflow/types.ts';
/** The chance to end late from which an order that is on time at the means counts as at risk. */
export const AT_RISK_LATE_CHANCE = 0.2;

/**
 * Whether an order of a Monte Carlo forecast is at risk: on time at the means, but late in at least
 * `AT_RISK_LATE_CHANCE` of the draws. Compared as a chance to be on time (k / draws), which is exact
 * where 1 − chance would not be (1 − 0.8 < 0.2).
 */
export function isAtRisk(order: Pick<OrderForecast, 'late' | 'onTimeProbability'>): boolean {
  return (
    !order.late && order.onTimeProbability !== undefined && order.onTimeProbability <= 1 - AT_RISK_LATE_CHANCE
  );
}

/** A forecast with how, when and from what it was made. */
export interface ForecastRecord extends Forecast {
  /** When the forecast was computed (wall clock, epoch ms). */
  generatedAt: number;
  /** The state it was computed from: the latest event time applied to any active order, and how many orders. */
  stateVersion: { latestEventAt: number; activeOrders: number };
  /** Run time: reading the snapshot, simulating, in ms (writing follows). */
  timings: { readMs: number; simulateMs: number };
}

const HISTORY = 'history#';

/** Keys of the forecast items (table `forecasts`). */
export const ForecastKeys = {
  partition: 'plant',
  latest: 'latest',
  /** History items sort by the forecast's asOf. */
  history: (asOf: number) => `${HISTORY}${new Date(asOf).toISOString()}`,
  /** What every history item's sort key begins with. */
  historyPrefix: HISTORY,
} as const;
