// What the dashboard's what-if API takes and answers (POST /api/whatif, POST /api/recommend): the
// variants and results of the order domain's what-if engine, as they travel over HTTP.

import type { PlantModel } from '../orderflow/model/plantModel.ts';
import type { Snapshot } from '../orderflow/types.ts';
import type { Change, VariantInput } from '../orderflow/whatif/variant.ts';
import type { VariantResult, WhatIfResult } from '../orderflow/whatif/whatIf.ts';
import type { ForecastRecord } from './forecastRecord.ts';

export type { QueueRule } from '../orderflow/model/plantModel.ts';
export type { Change, ChangeKind, Variant, VariantInput } from '../orderflow/whatif/variant.ts';
export type {
  Difference,
  ObjectiveKey,
  VariantResult,
  Verdict,
  WhatIfKpis,
} from '../orderflow/whatif/whatIf.ts';

/** The body of POST /api/whatif: variants (one, or a list), and how to run them. */
export interface WhatIfRequest {
  variants: VariantInput | VariantInput[];
  /** Draws of the future per variant (0: at the means only). */
  replications?: number;
  seed?: number | string;
  /** Objective keys compared in turn, e.g. ["late-orders", "total-lateness", "makespan"]. */
  objective?: string[];
}

/** A row of the ranked table: a variant's result without its forecast (that is in `forecasts`). */
export type WhatIfRow = Omit<VariantResult, 'forecast'>;

/** The answer of POST /api/whatif. */
export interface WhatIfAnswer extends Omit<WhatIfResult, 'variants'> {
  /** By rank, the baseline among them. */
  variants: WhatIfRow[];
  /** The forecast (at the means) of the baseline and of each variant asked for, by name. */
  forecasts: Record<string, ForecastRecord>;
  /** Reading the live state and running the variants, in ms. */
  timings: { readMs: number; simulateMs: number };
}

/** A variant the twin proposes, in the shape a forecast record carries it. */
export interface RecommendationItem {
  name: string;
  /** "Expedite order-2's material by 3 min 20 s: 2 fewer late orders, 95 % CI [1, 2]" */
  text: string;
  changes: Change[];
  description?: string;
}

/** The answer of POST /api/recommend. */
export interface RecommendAnswer {
  asOf: number;
  /** Better than the live plant, best first (none when nothing proposed does better). */
  recommendations: RecommendationItem[];
  /** How many variants the twin proposed and ran. */
  proposed: number;
  timings: { readMs: number; simulateMs: number };
}

/** The answer of GET /api/snapshot: the live state and the twin's model, for what-if in the page itself. */
export interface LiveSnapshotAnswer {
  snapshot: Snapshot;
  /** The plant model the forecast runs, as its file gives it. */
  model: PlantModel;
  /** The forecast's overrides of the model's parameters. */
  parameters: Record<string, unknown>;
}
