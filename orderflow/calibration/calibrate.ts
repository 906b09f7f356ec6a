// Recalibration of a plant model from what really happened: the samples of each operation's duration
// (per product and step, as a model's routing declares them) and of the suppliers' slips against their
// ETAs, each fitted (fit.ts), and the model with the fitted values in place of its own wherever a
// key has enough samples. A calibration is the list of fits and the version of the model it gives.

import type { DistributionSpec } from '../../sim-core/random/Random.ts';
import { modelHash } from '../model/modelHash.ts';
import { parsePlantModel } from '../model/parsePlantModel.ts';
import type { PlantModel, RoutingStepDefinition } from '../model/plantModel.ts';
import { TIME_UNITS } from '../model/plantModel.ts';
import { type DistributionFit, fitDistribution, scaleSpec, specMean } from './fit.ts';

/**
 * What a sample measures. `duration`: an operation step's time from start to finish (ms), per
 * product and step; `slip`: a material's arrival after the ETA it was last promised (ms, negative
 * when early), per supplier, or per product where its order named no supplier; `initial-slip`: the
 * same against the supplier's first ETA. An absent product is the model's default product.
 */
export type SampleKey =
  | { kind: 'duration'; product?: string; step: string }
  | { kind: 'slip' | 'initial-slip'; supplier: string }
  | { kind: 'slip' | 'initial-slip'; product?: string; supplier?: undefined };

/**
 * One measurement: its key, its value (ms) and when it was made (plant time, epoch ms); `id` names
 * what it measured (the order and step), so that the same observation delivered twice counts once.
 */
export interface Sample {
  key: SampleKey;
  value: number;
  at: number;
  id?: string;
}

/**
 * The key as a string, the same for the same key whatever the names hold (a JSON array: no
 * separator a name could contain). An absent product is "".
 */
export function sampleKeyText(key: SampleKey): string {
  if (key.kind === 'duration') return JSON.stringify([key.kind, key.product ?? '', key.step]);
  return key.supplier !== undefined
    ? JSON.stringify([key.kind, 'supplier', key.supplier])
    : JSON.stringify([key.kind, 'product', key.product ?? '']);
}

/** The key a string of `sampleKeyText` names; undefined when it names none. */
export function parseSampleKey(text: string): SampleKey | undefined {
  let parts: unknown;
  try {
    parts = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts) || parts.length !== 3 || !parts.every((p) => typeof p === 'string'))
    return undefined;
  const [kind, a, b] = parts as [string, string, string];
  if (kind === 'duration') return { kind, ...(a !== '' && { product: a }), step: b };
  if (kind !== 'slip' && kind !== 'initial-slip') return undefined;
  if (a === 'supplier') return { kind, supplier: b };
  if (a === 'product') return { kind, ...(b !== '' && { product: b }) };
  return undefined;
}

/** The key in words: "production of order", "slip of acme", "first-ETA slip of frame". */
export function sampleKeyLabel(key: SampleKey): string {
  if (key.kind === 'duration') return key.product === undefined ? key.step : `${key.step} of ${key.product}`;
  const what = key.kind === 'slip' ? 'slip' : 'first-ETA slip';
  if (key.supplier !== undefined) return `${what} of ${key.supplier}`;
  return key.product === undefined ? what : `${what} of ${key.product}`;
}

/** What the observations of the order state's stream give (forecast/observations.ts), as this module reads them. */
export interface ObservedSteps {
  steps: readonly {
    orderId?: string;
    product?: string;
    step: string;
    startedAt?: number;
    finishedAt: number;
  }[];
  arrivals: readonly {
    orderId?: string;
    product?: string;
    supplier?: string;
    initialEta?: number;
    eta?: number;
    arrivedAt: number;
  }[];
}

/**
 * The samples in a set of observations: each finished step that the twin saw start, its duration;
 * each arrived material with a known ETA, its slip (and against its first ETA, when known).
 */
export function samplesOf(observed: ObservedSteps): Sample[] {
  const samples: Sample[] = [];
  for (const s of observed.steps) {
    if (s.startedAt === undefined || s.finishedAt < s.startedAt) continue;
    samples.push({
      key: { kind: 'duration', ...(s.product !== undefined && { product: s.product }), step: s.step },
      value: s.finishedAt - s.startedAt,
      at: s.finishedAt,
      ...(s.orderId !== undefined && { id: JSON.stringify([s.orderId, s.step]) }),
    });
  }
  for (const a of observed.arrivals) {
    const who =
      a.supplier !== undefined
        ? { supplier: a.supplier }
        : a.product !== undefined
          ? { product: a.product }
          : {};
    const id = a.orderId !== undefined ? { id: JSON.stringify([a.orderId]) } : {};
    if (a.eta !== undefined) {
      samples.push({ key: { kind: 'slip', ...who }, value: a.arrivedAt - a.eta, at: a.arrivedAt, ...id });
    }
    if (a.initialEta !== undefined) {
      samples.push({
        key: { kind: 'initial-slip', ...who },
        value: a.arrivedAt - a.initialEta,
        at: a.arrivedAt,
        ...id,
      });
    }
  }
  return samples;
}

/** Why a calibration was made. */
export type CalibrationReason = 'drift' | 'schedule' | 'manual';

/** One key's fit beside what the model says of it. */
export interface KeyFit {
  /** `sampleKeyText`, or `["slip","all",""]` for the suppliers' slips pooled (the model has one slip). */
  key: string;
  kind: SampleKey['kind'];
  product?: string;
  step?: string;
  supplier?: string;
  label: string;
  n: number;
  /** The model's mean for it (ms), where the model has it. */
  modelMeanMs?: number;
  /** The fitted distribution, in ms. */
  fit: DistributionFit;
  /** Whether the calibrated model takes it. */
  applied: boolean;
  /** Why not, when it is not applied. */
  note?: string;
}

/** A recalibration: the fits, and the model they give. */
export interface Calibration {
  /** Unique: `<fittedAt ISO>-<model version>`. */
  id: string;
  /** When it was made (wall clock, epoch ms). */
  fittedAt: number;
  reason: CalibrationReason;
  /** Samples a key needs before its fit replaces the model's value. */
  minSamples: number;
  /** The model it started from: its name and version (modelHash). */
  baseModel: { name: string; version: string };
  /** The version (modelHash) of the model with the applied fits in place. */
  modelVersion: string;
  /** Keys whose fits the model takes. */
  applied: number;
  fits: KeyFit[];
}

/** Samples a key needs, by default, before its fit replaces the model's value. */
export const DEFAULT_MIN_SAMPLES = 30;
/** The key of the pooled slip, which the model's one `etaSlip` takes. */
export const POOLED_SLIP_KEY = JSON.stringify(['slip', 'all', '']);

/** The product an order that names `product` is of, in `model`: undefined when the model has no such product. */
function productOf(model: PlantModel, product: string | undefined) {
  const id =
    product ?? model.defaultProduct ?? (model.products.length === 1 ? model.products[0]!.id : undefined);
  return model.products.find((p) => p.id === id);
}

/** A duration of the model in ms: a distribution, or a parameter that holds one. */
function durationMeanMs(model: PlantModel, duration: unknown): number | undefined {
  const unit = TIME_UNITS[model.timeUnit];
  let spec = duration;
  if (typeof spec === 'object' && spec !== null && 'param' in spec) {
    spec = model.parameters[(spec as { param: string }).param];
  }
  if (typeof spec !== 'number' && (typeof spec !== 'object' || spec === null || !('dist' in spec)))
    return undefined;
  const mean = specMean(spec as DistributionSpec);
  return mean === undefined ? undefined : mean * unit;
}

/** `value` to 6 significant digits: a model file's numbers, stable for its hash. */
const tidy = (value: number) => (value === 0 ? 0 : Number(value.toPrecision(6)));

/** A fitted spec (ms) in the model's time unit, its numbers tidied. */
function inModelUnit(model: PlantModel, spec: DistributionFit['spec']): DistributionSpec {
  const scaled = scaleSpec(spec, 1 / TIME_UNITS[model.timeUnit]) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(scaled).map(([k, v]) => [k, typeof v === 'number' ? tidy(v) : v]),
  ) as unknown as DistributionSpec;
}

export interface CalibrateOptions {
  /** Default DEFAULT_MIN_SAMPLES. */
  minSamples?: number;
  reason: CalibrationReason;
  /** Wall clock, epoch ms. */
  fittedAt: number;
}

/**
 * The calibration of `model` from `series` (per `sampleKeyText`, its values in ms): every key with
 * two samples or more fitted; an operation's duration in the model replaced where its key has at
 * least `minSamples`, and the model's ETA slip by the suppliers' slips pooled (the model has one
 * slip for all), when they have as many and are not early on average.
 */
export function calibrate(
  model: PlantModel,
  series: ReadonlyMap<string, readonly number[]>,
  options: CalibrateOptions,
): { calibration: Calibration; model: PlantModel } {
  const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
  const fits: KeyFit[] = [];
  const pooled: number[] = [];
  for (const text of [...series.keys()].sort()) {
    const key = parseSampleKey(text);
    const values = series.get(text)!;
    if (key === undefined || values.length < 2) continue;
    if (key.kind === 'slip') pooled.push(...values);
    const fit = fitDistribution(values);
    const names = key as { product?: string; supplier?: string };
    const entry: KeyFit = {
      key: text,
      kind: key.kind,
      ...(names.product !== undefined && { product: names.product }),
      ...(key.kind === 'duration' && { step: key.step }),
      ...(names.supplier !== undefined && { supplier: names.supplier }),
      label: sampleKeyLabel(key),
      n: values.length,
      fit,
      applied: false,
    };
    if (key.kind === 'duration') {
      const step = operationOf(model, key.product, key.step);
      if (step === undefined) entry.note = 'no such operation in the model';
      else {
        const mean = durationMeanMs(model, step.duration);
        if (mean !== undefined) entry.modelMeanMs = mean;
        if (values.length < minSamples) entry.note = `fewer than ${minSamples} samples`;
        else entry.applied = true;
      }
    } else {
      entry.note =
        key.kind === 'slip' ? 'the model has one slip for all suppliers: pooled below' : 'shown, not applied';
    }
    fits.push(entry);
  }
  if (pooled.length >= 2) {
    const fit = fitDistribution(pooled);
    const entry: KeyFit = {
      key: POOLED_SLIP_KEY,
      kind: 'slip',
      label: 'slip (all suppliers)',
      n: pooled.length,
      fit,
      applied: false,
    };
    const mean = model.etaSlip === undefined ? 0 : durationMeanMs(model, model.etaSlip);
    if (mean !== undefined) entry.modelMeanMs = mean;
    if (pooled.length < minSamples) entry.note = `fewer than ${minSamples} samples`;
    else if (fit.mean < 0) entry.note = 'early on average: the model’s slip is a wait after the ETA';
    else entry.applied = true;
    fits.push(entry);
  }
  const calibrated = applyFits(model, fits);
  const modelVersion = modelHash(calibrated);
  return {
    model: calibrated,
    calibration: {
      id: `${new Date(options.fittedAt).toISOString()}-${modelVersion}`,
      fittedAt: options.fittedAt,
      reason: options.reason,
      minSamples,
      baseModel: { name: model.name, version: modelHash(model) },
      modelVersion,
      applied: fits.filter((f) => f.applied).length,
      fits,
    },
  };
}

/** The operation step `step` of the product an order of `product` is of, if the model has it. */
function operationOf(model: PlantModel, product: string | undefined, step: string) {
  const found = productOf(model, product)?.routing.find((s) => s.step === step);
  return found?.kind === 'operation'
    ? (found as Extract<RoutingStepDefinition, { kind: 'operation' }>)
    : undefined;
}

/**
 * `model` with the applied fits in place: each operation's duration, and the ETA slip, as a
 * distribution in the model's time unit. The same fits give the same model (and version).
 */
export function applyFits(model: PlantModel, fits: readonly KeyFit[]): PlantModel {
  const next = structuredClone(model);
  for (const fit of fits) {
    if (!fit.applied) continue;
    const spec = inModelUnit(model, fit.fit.spec);
    if (fit.key === POOLED_SLIP_KEY) {
      next.etaSlip = spec;
      continue;
    }
    const step = operationOf(next, fit.product, fit.step ?? '');
    if (step !== undefined) step.duration = spec;
  }
  // Checked as a file would be: a fit the model could not take fails here, not mid-forecast.
  return parsePlantModel(next);
}

/**
 * The model a stored calibration gives for `model`: undefined when the calibration was made from
 * another model (its base version differs), which it then does not fit.
 */
export function calibratedModel(model: PlantModel, calibration: Calibration): PlantModel | undefined {
  if (calibration.baseModel.version !== modelHash(model)) return undefined;
  return applyFits(model, calibration.fits);
}
