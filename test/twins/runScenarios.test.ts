// The scenario runner on any twin: common random numbers (a scenario like the baseline differs by
// exactly nothing), the better scenario recommended, a difference inside the noise never ranked above
// the baseline, the bottleneck measured, progress per replication, and the HTML report well formed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KeyedStreams } from '../../sim-core/random/KeyedStreams.ts';
import { replicationSeed } from '../../sim-core/random/seeds.ts';
import { scenarioReportHtml } from '../../twins/scenarios/reportHtml.ts';
import { runScenarios } from '../../twins/scenarios/runScenarios.ts';
import { type Scenario, ScenarioError, type ScenarioTwin } from '../../twins/scenarios/ScenarioTwin.ts';
import { parseWarehouseModel, warehouseTwin } from '../../twins/warehouse/index.ts';

/**
 * A twin of one queue-free machine: its KPI `time` is a noisy base time plus the scenario's `shift`,
 * drawn on common random numbers; `unrelated` is noise of its own per scenario (no common numbers).
 */
interface ToyChanges {
  shift?: number;
  /** Extra noise that is not shared with the baseline: a difference inside it is noise. */
  ownNoise?: number;
}
const toyTwin: ScenarioTwin<{ machines: string[] }, ToyChanges> = {
  kind: 'toy',
  parseModel: (json) => json as { machines: string[] },
  parseScenarios: (json) => json as Scenario<ToyChanges>[],
  kpis: [
    { key: 'time', label: 'Time', unit: 'h', better: 'lower', main: true },
    { key: 'output', label: 'Output', better: 'higher', main: true },
  ],
  defaultObjective: ['time', 'output'],
  run(_model, scenario, seed, replication) {
    const streams = new KeyedStreams(replicationSeed(seed, replication));
    streams.select(1, 0, 0);
    const base = streams.random.normal(10, 2);
    let own = 0;
    if (scenario?.changes.ownNoise !== undefined) {
      // A stream of the scenario's own, not the baseline's: noise the pairing cannot take away.
      streams.select(2, scenario.name.length, 0);
      own = streams.random.normal(0, scenario.changes.ownNoise);
    }
    const time = base + (scenario?.changes.shift ?? 0) + own;
    return { kpis: { time, output: 100 / time, 'detail:spare': 1 }, events: 1 };
  },
  sensitivity: () => [{ name: 'slower', changes: { shift: 1 } }],
  bottleneckCandidates: (model) =>
    model.machines.map((m, i) => ({
      resource: m,
      scenario: { name: `one more ${m}`, changes: { shift: -i } },
    })),
  assumptions: () => ['A toy: one noisy time.'],
};
const toyModel = { machines: ['lathe', 'mill', 'drill'] };

describe('runScenarios', () => {
  it('gives a scenario identical to the baseline a difference of exactly zero (common random numbers)', () => {
    const report = runScenarios(toyTwin, toyModel, [{ name: 'same again', changes: {} }], {
      replications: 10,
    });

    const same = report.scenarios[1]!;
    expect(same.kpis.time!.difference).toEqual({ mean: 0, low: 0, high: 0 });
    expect(same.verdict).toBe('same');
    // Not for want of noise: the baseline itself spreads.
    expect(report.scenarios[0]!.kpis.time!.high - report.scenarios[0]!.kpis.time!.low).toBeGreaterThan(0.5);
  });

  it('recommends the scenario that is better by the objective, and ranks the worse last', () => {
    const scenarios = [
      { name: 'slower', changes: { shift: 0.5 } },
      { name: 'faster', changes: { shift: -0.5 } },
      { name: 'much faster', changes: { shift: -1 } },
    ];

    const report = runScenarios(toyTwin, toyModel, scenarios, { replications: 8, seed: 3 });

    expect(report.recommended).toBe('much faster');
    expect(report.ranking).toEqual(['much faster', 'faster', 'baseline', 'slower']);
    const faster = report.scenarios.find((s) => s.name === 'faster')!;
    expect(faster.verdict).toBe('better');
    expect(faster.decidedBy).toBe('time');
    expect(faster.kpis.time!.difference!.mean).toBeCloseTo(-0.5, 10);
  });

  it('says a difference inside the noise is so, and never ranks it above the baseline', () => {
    // Prepare: a small gain under noise of the scenario's own, which common numbers cannot pair away.
    const scenarios = [{ name: 'maybe', changes: { shift: -0.1, ownNoise: 3 } }];

    const report = runScenarios(toyTwin, toyModel, scenarios, { replications: 20, seed: 4 });

    const maybe = report.scenarios[1]!;
    expect(maybe.kpis.time!.verdict).toBe('noise');
    expect(maybe.verdict).toBe('within-noise');
    expect(report.recommended).toBe('baseline');
    expect(report.ranking).toEqual(['baseline', 'maybe']);
  });

  it('takes the scenario named baseline as the baseline, first, whatever its place in the file', () => {
    const scenarios = [
      { name: 'faster', changes: { shift: -1 } },
      { name: 'baseline', description: 'as planned', changes: { shift: 2 } },
    ];

    const report = runScenarios(toyTwin, toyModel, scenarios, { replications: 4 });

    expect(report.scenarios.map((s) => s.name)).toEqual(['baseline', 'faster']);
    expect(report.scenarios[0]!.description).toBe('as planned');
    expect(report.scenarios[1]!.kpis.time!.difference!.mean).toBeCloseTo(-3, 10);
  });

  it('measures the bottleneck: the candidate whose extra unit buys the most of the first objective KPI', () => {
    const report = runScenarios(toyTwin, toyModel, [], { replications: 4 });

    expect(report.bottleneck!.resource).toBe('drill');
    expect(report.bottleneck!.measurable).toBe(true);
    expect(report.bottleneck!.candidates.map((c) => c.resource)).toEqual(['drill', 'mill', 'lathe']);
    expect(report.bottleneck!.candidates[2]!.verdict).toBe('same');
  });

  it('runs the sensitivity cases against the baseline, unranked', () => {
    const report = runScenarios(toyTwin, toyModel, [], { replications: 4 });

    expect(report.sensitivity.map((s) => [s.name, s.verdict, s.rank])).toEqual([['slower', 'worse', 0]]);
  });

  it('reports progress after every replication of every run, and keeps the detail KPIs', () => {
    const calls: [number, number][] = [];

    const report = runScenarios(toyTwin, toyModel, [{ name: 'a', changes: {} }], {
      replications: 3,
      onProgress: (done, total) => calls.push([done, total]),
    });

    // Baseline, a, one sensitivity case, three candidates: 6 runs × 3 replications.
    expect(calls).toHaveLength(18);
    expect(calls.at(-1)).toEqual([18, 18]);
    expect(calls.map(([done]) => done)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(report.detailKpis).toEqual(['detail:spare']);
  });

  it('refuses an objective that is not a KPI of the twin, and fewer than 2 replications', () => {
    expect(() => runScenarios(toyTwin, toyModel, [], { replications: 3, objective: ['speed'] })).toThrow(
      new ScenarioError('objective: "speed" is not a KPI of the toy twin (its KPIs: time, output)'),
    );
    expect(() => runScenarios(toyTwin, toyModel, [], { replications: 1 })).toThrow(ScenarioError);
  });

  it('ranks the warehouse example: one more packing station first, the peak day last', () => {
    const model = parseWarehouseModel(JSON.parse(readFileSync('examples/models/warehouse.json', 'utf8')));
    const scenarios = warehouseTwin.parseScenarios(
      JSON.parse(readFileSync('examples/scenarios/warehouse.json', 'utf8')),
      model,
    );

    const report = runScenarios(warehouseTwin, model, scenarios, { replications: 4, sensitivity: false });

    expect(report.recommended).toBe('one more packing station');
    expect(report.ranking.at(-1)).toBe('peak day');
    expect(report.bottleneck!.resource).toBe('packing');
  }, 60_000);
});

/** The tags of an HTML text balanced, void elements aside: a light check that it is well formed. */
function unbalancedTags(html: string): string[] {
  const voids = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);
  const stack: string[] = [];
  const problems: string[] = [];
  const body = html.replace(/<!DOCTYPE html>/i, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  for (const [, close, name, selfClosing] of body.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const tag = name!.toLowerCase();
    if (voids.has(tag) || selfClosing === '/') continue;
    if (close === '') stack.push(tag);
    else if (stack.pop() !== tag) problems.push(`</${tag}>`);
  }
  return [...problems, ...stack.map((t) => `<${t}> not closed`)];
}

describe('scenarioReportHtml', () => {
  const scenarios = [
    { name: 'faster <by far>', description: 'a & b', changes: { shift: -1 } },
    { name: 'slower', changes: { shift: 1 } },
  ];
  const report = runScenarios(toyTwin, toyModel, scenarios, { replications: 6 });

  it('is a well-formed, self-contained page naming each scenario and the recommended one', () => {
    const html = scenarioReportHtml(report, { title: 'Toy plant' });

    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(unbalancedTags(html)).toEqual([]);
    for (const name of ['baseline', 'faster &lt;by far&gt;', 'slower']) expect(html).toContain(name);
    expect(html).not.toContain('<by far>');
    const recommended = /<section class="recommendation" id="recommended">([\s\S]*?)<\/section>/.exec(
      html,
    )![1]!;
    expect(recommended).toContain('Recommended: <strong>faster &lt;by far&gt;</strong>');
    expect(recommended).toContain('Objective: lower time, then higher output');
    // Nothing to fetch: no script, stylesheet link, image or address outside the page.
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(/i);
  });

  it('draws a box plot per main KPI with a box per scenario, and states the bottleneck, sensitivity and assumptions', () => {
    const html = scenarioReportHtml(report);

    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<g class="box"/g)).toHaveLength(2 * 3);
    expect(html).toContain('The bottleneck is <strong>drill</strong>');
    expect(html).toMatch(/<h2>Sensitivity<\/h2>[\s\S]*slower/);
    expect(html).toContain('<li>A toy: one noisy time.</li>');
  });
});
