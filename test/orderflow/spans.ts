// Reading an order's forecast steps in tests: when a routing step starts and ends (its spans joined).
import type { OrderForecast, StepKind } from '../../orderflow/index.ts';

/** The spans of `step` of kind `kind` (default: the step itself, not its queue). */
function spansOf(o: OrderForecast, step: string, kind?: StepKind) {
  return o.steps.filter(
    (s) => s.step === step && (kind === undefined ? s.kind !== 'queue' : s.kind === kind),
  );
}

/** When the order's step `step` starts (undefined when it takes no time). */
export function stepStart(o: OrderForecast, step: string, kind?: StepKind): number | undefined {
  const spans = spansOf(o, step, kind);
  return spans.length === 0 ? undefined : Math.min(...spans.map((s) => s.start));
}

/** When the order's step `step` ends (undefined when it takes no time). */
export function stepEnd(o: OrderForecast, step: string, kind?: StepKind): number | undefined {
  const spans = spansOf(o, step, kind);
  return spans.length === 0 ? undefined : Math.max(...spans.map((s) => s.end));
}
