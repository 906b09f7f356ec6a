// The what-if the dashboard offers on the live plant. The dashboard reads only forecasts: whoever
// builds its app (the local twin, the Lambda adapter) gives it this, made on the live state.
import type { LiveSnapshotAnswer, RecommendAnswer, WhatIfAnswer } from '../contracts/whatIf.ts';

/**
 * Runs requests on a fresh snapshot of plant `plantId`'s live state (default: the default plant's),
 * never writing anything. Each takes the parsed JSON body as it came (the app has taken its `plant`
 * out); a body that cannot be run throws a WhatIfInputError saying what is wrong.
 */
export interface LiveWhatIf {
  /** POST /api/whatif: the baseline and the variants asked for, ranked, with their forecasts. */
  whatIf(body: unknown, plantId?: string): Promise<WhatIfAnswer>;
  /** POST /api/recommend: the variants the twin proposes itself, better than the live plant, best first. */
  recommend(body: unknown, plantId?: string): Promise<RecommendAnswer>;
  /** GET /api/snapshot: a fresh snapshot of the live state with the model, for what-if in the page. */
  snapshot(plantId?: string): Promise<LiveSnapshotAnswer>;
}
