// The twins hosted on the engine, by the `kind` of their model files: what `twin scenarios` runs.
import { deliveryTwin } from './delivery/index.ts';
import type { ScenarioTwin } from './scenarios/ScenarioTwin.ts';
import { warehouseTwin } from './warehouse/index.ts';

/** Every twin `twin scenarios` knows, by kind. */
export const TWINS: readonly ScenarioTwin<never, never>[] = [
  deliveryTwin as ScenarioTwin<never, never>,
  warehouseTwin as ScenarioTwin<never, never>,
];

/** The twin of a model file's `kind`, or undefined. */
export function twinOfKind(kind: string): ScenarioTwin<unknown, unknown> | undefined {
  return TWINS.find((t) => t.kind === kind) as ScenarioTwin<unknown, unknown> | undefined;
}

/** The kinds `twin scenarios` knows, for its messages. */
export const twinKinds = (): string[] => TWINS.map((t) => t.kind);
