// Fitting distributions to observed times, and the model a calibration gives: each family found back
// from its own draws, the Kolmogorov–Smirnov figures right on known cases, and only keys with enough
// samples replacing the model's values.
import { describe, expect, it } from 'vitest';
import {
  applyFits,
  calibrate,
  calibratedModel,
  POOLED_SLIP_KEY,
  parseSampleKey,
  type SampleKey,
  sampleKeyText,
  samplesOf,
} from '../../orderflow/calibration/calibrate.ts';
import {
  fitDistribution,
  ksCritical,
  ksPValue,
  ksStatistic,
  normalCdf,
  specMean,
} from '../../orderflow/calibration/fit.ts';
import { parsePlantModel } from '../../orderflow/index.ts';
import { modelHash } from '../../orderflow/model/modelHash.ts';
import { orderFlowModel } from '../../orderflow/models/index.ts';
import { Random } from '../../sim-core/index.ts';
import type { DistributionSpec } from '../../sim-core/random/Random.ts';

const draws = (n: number, draw: (r: Random) => number, seed = 7) => {
  const r = new Random(seed);
  return Array.from({ length: n }, () => draw(r));
};

describe('fitDistribution', () => {
  it.each([
    ['exponential', (r: Random) => r.exponential(600)],
    ['normal', (r: Random) => r.truncatedNormal(600, 60)],
    ['uniform', (r: Random) => r.uniform(100, 900)],
    ['lognormal', (r: Random) => r.lognormal(600, 400)],
  ] as const)('finds %s draws to be %s, with their mean, and within the 5 %% bound', (family, draw) => {
    const values = draws(2_000, draw);
    const fit = fitDistribution(values);

    expect(fit.family).toBe(family);
    expect(fit.n).toBe(2_000);
    expect(fit.ksD).toBeLessThan(fit.ksCritical);
    expect(fit.pValue).toBeGreaterThan(0.05);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(fit.mean).toBeCloseTo(mean, 6);
  });

  it('calls equal values fixed, and refuses no values or one that is no number', () => {
    expect(fitDistribution([5, 5, 5])).toMatchObject({ family: 'deterministic', spec: { value: 5 }, ksD: 0 });
    expect(() => fitDistribution([])).toThrow(/no samples/);
    expect(() => fitDistribution([1, Number.NaN])).toThrow(/not a finite number/);
  });

  it('reports a poor fit as one: bimodal times are beyond every family’s bound', () => {
    const values = [
      ...draws(500, (r) => r.truncatedNormal(100, 5)),
      ...draws(500, (r) => r.truncatedNormal(900, 5)),
    ];
    const fit = fitDistribution(values);
    expect(fit.ksD).toBeGreaterThan(fit.ksCritical);
    expect(fit.pValue).toBeLessThan(0.05);
  });
});

describe('the Kolmogorov–Smirnov figures', () => {
  it('measure the largest gap of the CDFs, and give the tabled critical values and p-values', () => {
    // Four samples against the uniform on [0, 1]: the empirical CDF reaches 1/4 at 0.5, where the uniform is 0.5.
    expect(ksStatistic([0.5, 0.6, 0.7, 0.8], (x) => x)).toBeCloseTo(0.5, 12);
    expect(ksCritical(100)).toBeCloseTo(0.134, 3);
    expect(ksPValue(ksCritical(100), 100)).toBeCloseTo(0.05, 2);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  });
});

describe('sample keys', () => {
  it('read back as written, whatever the names hold', () => {
    const keys: SampleKey[] = [
      { kind: 'duration', step: 'cut' },
      { kind: 'duration', product: 'a","b', step: '["x"]' },
      { kind: 'slip', supplier: 'acme' },
      { kind: 'initial-slip', product: 'frame' },
      { kind: 'slip' },
    ];
    for (const key of keys) expect(parseSampleKey(sampleKeyText(key))).toEqual(key);
    expect(parseSampleKey('obs')).toBeUndefined();
  });

  it('come from observations: a step seen to start, a material with its ETAs', () => {
    const samples = samplesOf({
      steps: [
        { product: 'p', step: 'cut', startedAt: 100, finishedAt: 700 },
        { step: 'weld', finishedAt: 900 },
      ],
      arrivals: [{ supplier: 's', initialEta: 1_000, eta: 1_500, arrivedAt: 1_600 }],
    });
    expect(samples).toEqual([
      { key: { kind: 'duration', product: 'p', step: 'cut' }, value: 600, at: 700 },
      { key: { kind: 'slip', supplier: 's' }, value: 100, at: 1_600 },
      { key: { kind: 'initial-slip', supplier: 's' }, value: 600, at: 1_600 },
    ]);
  });
});

describe('calibrate', () => {
  const production = sampleKeyText({ kind: 'duration', step: 'production' });
  const slow = draws(40, (r) => r.truncatedNormal(720_000, 30_000));

  it('replaces a duration that has enough samples, and gives a model that loads, with a new version', () => {
    const { calibration, model } = calibrate(orderFlowModel, new Map([[production, slow]]), {
      reason: 'manual',
      fittedAt: Date.UTC(2026, 0, 5),
    });
    const fit = calibration.fits.find((f) => f.key === production)!;

    expect(fit).toMatchObject({ applied: true, n: 40, modelMeanMs: 600_000, step: 'production' });
    expect(fit.fit.mean / 720_000).toBeCloseTo(1, 1);
    const { duration } = model.products[0]!.routing[1]! as { duration: DistributionSpec };
    // The model's time unit is ms: the fitted distribution itself, to 6 digits.
    expect(specMean(duration)! / specMean(fit.fit.spec)!).toBeCloseTo(1, 5);
    expect(parsePlantModel(model)).toEqual(model);
    expect(calibration.modelVersion).toBe(modelHash(model));
    expect(calibration.modelVersion).not.toBe(modelHash(orderFlowModel));
    expect(calibration.baseModel.version).toBe(modelHash(orderFlowModel));
    expect(calibration.applied).toBe(1);
    // The same fits on the same model give the same model again; on another model, none.
    expect(modelHash(calibratedModel(orderFlowModel, calibration)!)).toBe(calibration.modelVersion);
    expect(calibratedModel(model, calibration)).toBeUndefined();
  });

  it('keeps the model’s value where a key has fewer samples than the minimum, or the model lacks the step', () => {
    const other = sampleKeyText({ kind: 'duration', product: 'gadget', step: 'paint' });
    const { calibration, model } = calibrate(
      orderFlowModel,
      new Map([
        [production, slow.slice(0, 10)],
        [other, slow],
      ]),
      { reason: 'schedule', fittedAt: 0, minSamples: 30 },
    );
    expect(calibration.fits.map((f) => [f.label, f.applied, f.note])).toEqual([
      ['production', false, 'fewer than 30 samples'],
      ['paint of gadget', false, 'no such operation in the model'],
    ]);
    expect(modelHash(model)).toBe(modelHash(orderFlowModel));
    expect(
      calibrate(orderFlowModel, new Map([[production, slow.slice(0, 10)]]), {
        reason: 'schedule',
        fittedAt: 0,
        minSamples: 10,
      }).calibration.applied,
    ).toBe(1);
  });

  it('pools the suppliers’ slips into the model’s one ETA slip, in its time unit', () => {
    const series = new Map([
      [sampleKeyText({ kind: 'slip', supplier: 'a' }), draws(20, (r) => r.exponential(120_000), 1)],
      [sampleKeyText({ kind: 'slip', supplier: 'b' }), draws(20, (r) => r.exponential(120_000), 2)],
    ]);
    const minutes = parsePlantModel({
      ...orderFlowModel,
      timeUnit: 'min',
      parameters: { ...orderFlowModel.parameters, materialLeadTime: 10, productionTime: 10 },
    });
    const { calibration, model } = calibrate(minutes, series, { reason: 'drift', fittedAt: 0 });
    const pooled = calibration.fits.find((f) => f.key === POOLED_SLIP_KEY)!;

    expect(pooled).toMatchObject({ n: 40, applied: true, modelMeanMs: 0 });
    expect(calibration.fits.filter((f) => f.supplier !== undefined).every((f) => !f.applied)).toBe(true);
    const slip = model.etaSlip as { mean: number };
    expect(slip.mean).toBeCloseTo(pooled.fit.mean / 60_000, 3);
    expect(applyFits(minutes, calibration.fits)).toEqual(model);
  });
});
