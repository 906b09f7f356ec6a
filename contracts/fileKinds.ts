// The JSON files the twin reads, told apart by the keys only one kind has, so that a file given in
// place of another is named for what it is: "a snapshot of orders (of twin forecast --state), not a
// plant model".

/** A plant model file, a block model file of `twin simulate`, a snapshot of orders. */
export type TwinFileKind = 'plant model' | 'block model' | 'snapshot';

const whatItIs: Record<TwinFileKind, string> = {
  'plant model': 'a plant model (of --model)',
  'block model': 'a block model (of twin simulate)',
  snapshot: 'a snapshot of orders (of twin forecast --state)',
};

const whatOneIs: Record<TwinFileKind, string> = {
  'plant model':
    'a plant model declares stations and products with routings (twin schema model, docs/model-file.md)',
  'block model':
    'a block model declares blocks and resources (docs/model-and-forecasts.md#block-models-twin-simulate)',
  snapshot: 'a snapshot is { "asOf": <epoch ms>, "orders": [order states] } (twin snapshot saves one)',
};

/** Which of the twin's files `raw` is, by its keys; undefined when it is none of them. */
export function twinFileKind(raw: unknown): TwinFileKind | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  if (Object.hasOwn(raw, 'products')) return 'plant model';
  if (Object.hasOwn(raw, 'blocks')) return 'block model';
  if (Object.hasOwn(raw, 'orders') && Object.hasOwn(raw, 'asOf')) return 'snapshot';
  return undefined;
}

/**
 * What is wrong when `raw` is another of the twin's files than the `wanted` kind ("a block model (of
 * twin simulate), not a plant model: a plant model declares …"); undefined when it is not.
 */
export function otherFileProblem(raw: unknown, wanted: TwinFileKind): string | undefined {
  const found = twinFileKind(raw);
  if (found === undefined || found === wanted) return undefined;
  return `${whatItIs[found]}, not a ${wanted}: ${whatOneIs[wanted]}`;
}
