// The forecast as stored in the `forecasts` table and served to the dashboard.
import type { Forecast } from '../orderflow/types.ts';

/** The parts of a forecast, as the forecast computes them (the dashboard reads them from here). */
export type {
  DelayCause,
  ForecastKpis,
  ModelSummary,
  OrderForecast,
  Position,
  StationForecast,
  StepKind,
  StepSpan,
} from '../orderflow/types.ts';
/** Which orders a Monte Carlo forecast counts as at risk (from the order domain's types alone: the page bundles it). */
export { AT_RISK_LATE_CHANCE, isAtRisk } from '../orderflow/types.ts';

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
