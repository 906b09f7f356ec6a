// The forecast as stored in the `forecasts` table and served to the dashboard.
import type { Forecast, OrderForecast } from '../orderflow/types.ts';
import type { Change } from '../orderflow/whatif/variant.ts';
import type { ObjectiveKey } from '../orderflow/whatif/whatIf.ts';
import { DEFAULT_PLANT, plantScopedKey } from './plants.ts';

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

/**
 * What a recommendation gains over the live plant, each the better the larger: late orders fewer,
 * lateness less (ms), all done sooner (ms), orders more done within the horizon. Means over the
 * draws, or at the means without any.
 */
export interface RecommendationGain {
  lateOrders: number;
  totalLatenessMs: number;
  makespanMs: number;
  throughput: number;
}

/** A variant the twin proposed, ran beside the live plant and found better. */
export interface ForecastRecommendation {
  /** "Expedite order-2's material by 3 min 20 s" */
  name: string;
  /** The name and its gain in plain words: "…: 1 fewer late order (at the means)". */
  text: string;
  /** The changes to the live state and model, as a what-if variant file takes them. */
  changes: Change[];
  /** The objective key that decided it was better. */
  decidedBy: ObjectiveKey;
  gain: RecommendationGain;
  /** With draws: the 95 % interval of the gain in the deciding key (paired on common random numbers). */
  ci?: [number, number];
  /** Draws of the future it was judged on (0: the forecast at the means). */
  replications: number;
  /** Orders late in the forecast that it brings on time, at the means. */
  bringsOnTime: string[];
  /** Orders on time in the forecast that it makes late, at the means (its price, if any). */
  makesLate: string[];
}

/** A forecast with how, when and from what it was made. */
export interface ForecastRecord extends Forecast {
  /** The plant it forecasts, when not the default one (contracts/plants.ts). */
  plantId?: string;
  /** When the forecast was computed (wall clock, epoch ms). */
  generatedAt: number;
  /** The state it was computed from: the latest event time applied to any active order, and how many orders. */
  stateVersion: { latestEventAt: number; activeOrders: number };
  /**
   * The twin's recommendations, best first, when orders are late or at risk: empty when no variant
   * it tried did better; absent when none was looked for (nothing late or at risk, or no time), and
   * while the twin looks for them: they are stored after the forecast, which is readable first.
   */
  recommendations?: ForecastRecommendation[];
  /**
   * The calibration whose model the forecast ran (its id, when it was made, the model version it
   * gave); absent when the forecast ran the model as deployed.
   */
  calibration?: { id: string; fittedAt: number; modelVersion: string };
  /** Run time: reading the snapshot, simulating, in ms (writing follows); recommending, once it has. */
  timings: { readMs: number; simulateMs: number; recommendMs?: number };
}

const HISTORY = 'history#';

/**
 * A plant's line in the overview of every plant: its latest forecast in brief. One item per plant
 * (partition `ForecastKeys.plants`, sort key the plant id), replaced only by a newer forecast's.
 */
export interface PlantSummary {
  plantId: string;
  asOf: number;
  generatedAt: number;
  /** The latest event the forecast reflects (its `stateVersion.latestEventAt`). */
  latestEventAt: number;
  activeOrders: number;
  ordersLate: number;
  ordersAtRisk?: number;
  ordersDelayed: number;
}

/** The overview line of `record`'s plant. */
export function plantSummaryOf(record: ForecastRecord): PlantSummary {
  const { kpis } = record;
  return {
    plantId: record.plantId ?? DEFAULT_PLANT,
    asOf: record.asOf,
    generatedAt: record.generatedAt,
    latestEventAt: record.stateVersion.latestEventAt,
    activeOrders: kpis.activeOrders,
    ordersLate: kpis.ordersLate,
    ...(kpis.ordersAtRisk !== undefined && { ordersAtRisk: kpis.ordersAtRisk }),
    ordersDelayed: kpis.ordersDelayed,
  };
}

/** Keys of the forecast items (table `forecasts`). */
export const ForecastKeys = {
  /** The default plant's partition: its latest forecast, history and alerts. */
  partition: 'plant',
  /** Plant `plantId`'s partition (the default plant's: `partition`). */
  partitionOf: (plantId: string = DEFAULT_PLANT) => plantScopedKey(plantId, 'plant'),
  /** The overview of every plant: one `PlantSummary` item per plant. */
  plants: 'plants',
  latest: 'latest',
  /** History items sort by the forecast's asOf. */
  history: (asOf: number) => `${HISTORY}${new Date(asOf).toISOString()}`,
  /** The asOf of the forecast whose head item has sort key `key` (`history`'s inverse). */
  historyAsOf: (key: string) => Date.parse(key.slice(HISTORY.length)),
  /** What every history item's sort key begins with. */
  historyPrefix: HISTORY,
} as const;
