// The page's what-if engine: the order domain on the engine, which run in a browser as they do in
// Node.js, in a bundle of its own (engine.js) that the page loads when a drag first begins, so that
// opening the page costs none of it.
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import type { LiveSnapshotAnswer } from '../../contracts/whatIf.ts';
import { parsePlantModel } from '../../orderflow/model/parsePlantModel.ts';
import type { PlantModel } from '../../orderflow/model/plantModel.ts';
import type { Snapshot } from '../../orderflow/types.ts';
import type { Variant } from '../../orderflow/whatif/variant.ts';
import { whatIf } from '../../orderflow/whatif/whatIf.ts';
import { differenceText, formatSignedCount } from './whatIfModel.ts';

/** A variant computed in the page: its forecast to draw in place of the live one, and what it changes. */
export interface DraggedVariant {
  name: string;
  forecast: ForecastRecord;
  /** "1 fewer late order, lateness −12 min, makespan 0" */
  summary: string;
  verdict: string;
  /** From the drop to the variant's forecast, ms (the drawing follows). */
  computeMs: number;
}

export interface Live {
  snapshot: Snapshot;
  model: PlantModel;
  parameters: Record<string, unknown>;
}

/** Runs `variant` on `live` beside the baseline at the means, and says how it differs. */
export function runDragged(live: Live, variant: Variant): DraggedVariant {
  const started = performance.now();
  const result = whatIf(live.snapshot, live.model, [variant], {
    forecasts: true,
    parameters: live.parameters,
  });
  const row = result.variants.find((v) => v.name === variant.name)!;
  const d = row.difference!;
  const late = d.lateOrders.mean;
  const lateText =
    late === 0
      ? 'no change in late orders'
      : `${Math.abs(late)} ${late < 0 ? 'fewer' : 'more'} late order${Math.abs(late) === 1 ? '' : 's'}`;
  const computeMs = performance.now() - started;
  return {
    name: variant.name,
    forecast: {
      ...row.forecast!,
      generatedAt: Date.now(),
      stateVersion: { latestEventAt: 0, activeOrders: live.snapshot.orders.length },
      timings: { readMs: 0, simulateMs: computeMs },
    },
    summary:
      `${lateText} (${formatSignedCount(late)}), lateness ${differenceText(d.totalLatenessMs, 'duration')}, ` +
      `makespan ${differenceText(d.makespanMs, 'duration')}`,
    verdict: row.verdict,
    computeMs,
  };
}

/** The live state as GET api/snapshot gives it, its model checked. */
export function liveOf(answer: LiveSnapshotAnswer): Live {
  return { snapshot: answer.snapshot, model: parsePlantModel(answer.model), parameters: answer.parameters };
}

/**
 * Runs the live plant once, unchanged: while the user still drags, so that the variant's run at the
 * drop finds the engine's code already compiled by the browser (a cold first run takes twice as long).
 */
export function warmUp(live: Live): void {
  whatIf(live.snapshot, live.model, [], { parameters: live.parameters });
}

/** What engine.js hands the page. */
export interface DragEngine {
  liveOf: typeof liveOf;
  runDragged: typeof runDragged;
  warmUp: typeof warmUp;
}
