// Many plants in one deployment: every event may name its plant (`plantId`, default `default`),
// and the plant's state, forecasts and alerts are its own. All plants share the stream and the
// tables: a plant other than the default keeps its items under keys that start with its scope
// (`@<plantId>/`), which no order id may start with; the default plant's keys are as they always
// were, so a deployment of one plant is unchanged.

/** The plant of an event without a `plantId`, and of everything a deployment of one plant holds. */
export const DEFAULT_PLANT = 'default';

/** A plant id: a letter or digit, then up to 63 letters, digits, `.`, `_` or `-`. */
export const PLANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const PLANT_ID_RULE =
  'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or a digit';

/** The most plants one emulator runs (`twin emulate --plants`, `twin start --plants`). */
export const MAX_EMULATED_PLANTS = 1_000;

/** What a key of a plant other than the default starts with (then its id and a `/`). */
export const PLANT_SCOPE_PREFIX = '@';

/** Whether `plantId` is a valid plant id. */
export function isPlantId(plantId: string): boolean {
  return PLANT_ID_PATTERN.test(plantId);
}

/**
 * The key under which plant `plantId` keeps `key` (an orderId, a plant item's key, an index
 * partition) in a table that all plants share: `key` itself for the default plant.
 */
export function plantScopedKey(plantId: string, key: string): string {
  return plantId === DEFAULT_PLANT ? key : `${PLANT_SCOPE_PREFIX}${plantId}/${key}`;
}

/** The plant of a key made by `plantScopedKey`, and the key within its plant. */
export function plantOfKey(scoped: string): { plantId: string; key: string } {
  if (!scoped.startsWith(PLANT_SCOPE_PREFIX)) return { plantId: DEFAULT_PLANT, key: scoped };
  const slash = scoped.indexOf('/');
  if (slash < 0) return { plantId: DEFAULT_PLANT, key: scoped };
  return { plantId: scoped.slice(PLANT_SCOPE_PREFIX.length, slash), key: scoped.slice(slash + 1) };
}
