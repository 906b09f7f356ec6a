// How an order's steps lie in its DynamoDB item: one top-level attribute per step and field,
// `step:<step name>:<field>` (e.g. `step:cut:startedAt`, `step:cut:startedEvent`), so that one
// UpdateItem can set and condition the slots of any step, new or not: a path into a nested map would
// need the map to exist. The store maps them back to nested `steps` (and `stepEvents`) on reading.
import type { StepState } from '../contracts/orderState.ts';
import { entryOf, type StepEvents, type StoredOrderState, withEntry } from './applyEvent.ts';

/** The fields a step keeps: its times and station (`steps`), and the keys of their events (`stepEvents`). */
export const STEP_STATE_FIELDS = [
  'startedAt',
  'finishedAt',
  'station',
] as const satisfies readonly (keyof StepState)[];
export const STEP_EVENT_FIELDS = [
  'startedEvent',
  'finishedEvent',
] as const satisfies readonly (keyof StepEvents)[];
export type StepField = (typeof STEP_STATE_FIELDS)[number] | (typeof STEP_EVENT_FIELDS)[number];

const PREFIX = 'step:';
const STATE_FIELDS: ReadonlySet<string> = new Set(STEP_STATE_FIELDS);
const FIELDS: ReadonlySet<string> = new Set([...STEP_STATE_FIELDS, ...STEP_EVENT_FIELDS]);

/**
 * The attribute of `field` of step `step`. Any step name works as it is, `:`, `.`, `#` and spaces
 * included: expressions name attributes by placeholder only, and the field, which has no `:`, is
 * what follows the last `:`.
 */
export function stepAttribute(step: string, field: StepField): string {
  return `${PREFIX}${step}:${field}`;
}

/** The step and field an attribute holds, if it is a step attribute (see `stepAttribute`). */
export function parseStepAttribute(name: string): { step: string; field: StepField } | undefined {
  if (!name.startsWith(PREFIX)) return undefined;
  const colon = name.lastIndexOf(':');
  const field = name.slice(colon + 1);
  if (colon < PREFIX.length || !FIELDS.has(field)) return undefined;
  return { step: name.slice(PREFIX.length, colon), field: field as StepField };
}

/** Whether an attribute is a step's time or station (not the key of an event): what the forecast reads. */
export function isStepStateAttribute(name: string): boolean {
  const parsed = parseStepAttribute(name);
  return parsed !== undefined && STATE_FIELDS.has(parsed.field);
}

/** A state as its item's attributes: `steps` and `stepEvents` laid out flat. */
export function flattenSteps(state: StoredOrderState): Record<string, unknown> {
  const { steps, stepEvents, ...item } = state;
  const flat: Record<string, unknown> = item;
  for (const [step, fields] of [...Object.entries(steps ?? {}), ...Object.entries(stepEvents ?? {})]) {
    for (const [field, value] of Object.entries(fields)) {
      if (value !== undefined) flat[stepAttribute(step, field as StepField)] = value;
    }
  }
  return flat;
}

/** An item's attributes as a state: the step attributes gathered into `steps` and `stepEvents`. */
export function nestSteps(item: Record<string, unknown>): StoredOrderState {
  const state: Record<string, unknown> = {};
  let steps: Record<string, StepState> | undefined;
  let stepEvents: Record<string, StepEvents> | undefined;
  for (const [name, value] of Object.entries(item)) {
    const parsed = parseStepAttribute(name);
    if (parsed === undefined) state[name] = value;
    else if (STATE_FIELDS.has(parsed.field)) {
      steps = withEntry(steps, parsed.step, { ...entryOf(steps, parsed.step), [parsed.field]: value });
    } else {
      stepEvents = withEntry(stepEvents, parsed.step, {
        ...entryOf(stepEvents, parsed.step),
        [parsed.field]: value,
      });
    }
  }
  if (steps !== undefined) state.steps = steps;
  if (stepEvents !== undefined) state.stepEvents = stepEvents;
  return state as unknown as StoredOrderState;
}
