// `twin whatif`, `twin recommend` and `twin schema variant` on saved snapshots: the ranked table and
// its JSON, the twin's own recommendations in plain words, and a variants file that names what the
// plant does not have refused in one line that names it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVariants } from '../../orderflow/whatif/variant.ts';
import { twin } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'twin-whatif-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const DEMO = 'examples/demo-snapshot.json';
const DEMO_VARIANTS = 'examples/variants/demo-variants.json';
const UNCERTAIN = 'examples/order-flow-uncertain.json';

describe('twin whatif', () => {
  it('ranks the demo variants against the live plan: a second line and faster production first, the baseline below them', async () => {
    const run = await twin('whatif', '--state', DEMO, '--variants', DEMO_VARIANTS);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('30 replications on common random numbers (seed 1)');
    expect(run.stdout).toMatch(/^1\s+Second line until 09:30\s+better \(late orders\)\s+0\s/m);
    expect(run.stdout).toMatch(/^4\s+baseline\s+baseline\s+2\s+2 min 40 s\s+22 min/m);
    expect(run.stdout).toMatch(/^5\s+Expedite order-4's material\s+same\s/m);
    expect(run.stdout).toMatch(/^Rush order due 08:55, by due date\s+\+1\s+\+8 min 20 s\s+\+10 min$/m);
    expect(run.stdout).toMatch(/^baseline\s+late: order-3, order-4\s+delayed: 1 own-material, 2 knock-on$/m);
  });

  it('prints each difference with its 95 % interval, paired on the same futures, when the model has uncertain times', async () => {
    const run = await twin('whatif', '--state', DEMO, '--model', UNCERTAIN, '--variants', DEMO_VARIANTS);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('paired on the same futures');
    expect(run.stdout).toMatch(/^Second line until 09:30\s+-0\.\d\d \[-\d\.\d\d, -0\.\d\d\]\s/m);
  });

  it('prints the whole result as JSON: the variants ranked, the baseline among them, the differences with intervals', async () => {
    const run = await twin(
      ...['whatif', '--state', DEMO, '--model', UNCERTAIN, '--variants', DEMO_VARIANTS, '--json'],
    );
    const result = JSON.parse(run.stdout);

    expect(run.code, run.stderr).toBe(0);
    expect(result).toMatchObject({
      replications: 30,
      objective: ['late-orders', 'total-lateness', 'makespan'],
    });
    expect(result.variants).toHaveLength(9);
    expect(result.variants.map((v: { rank: number }) => v.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const baseline = result.variants.find((v: { name: string }) => v.name === 'baseline');
    expect(baseline).toMatchObject({ verdict: 'baseline', lateOrders: ['order-3', 'order-4'] });
    expect(baseline.difference).toBeUndefined();
    const secondLine = result.variants.find((v: { name: string }) => v.name === 'Second line until 09:30');
    expect(secondLine.verdict).toBe('better');
    const { mean, ci, ciUnpaired } = secondLine.difference.lateOrders;
    expect(ci[0]).toBeLessThanOrEqual(mean);
    expect(ci[1]).toBeGreaterThanOrEqual(mean);
    expect(ci[1]).toBeLessThan(0);
    expect(ciUnpaired[1] - ciUnpaired[0]).toBeGreaterThan(ci[1] - ci[0]);
  });

  it('ranks by the objective given, at the means only with --replications 0', async () => {
    const run = await twin(
      ...['whatif', '--state', DEMO, '--variants', DEMO_VARIANTS, '--replications', '0'],
      ...['--objective', 'makespan', '--json'],
    );
    const result = JSON.parse(run.stdout);

    expect(run.code, run.stderr).toBe(0);
    expect(result).toMatchObject({ replications: 0, objective: ['makespan'] });
    expect(result.variants[0]).toMatchObject({ name: 'Second line until 09:30', decidedBy: 'makespan' });
    expect(result.variants[0].difference.makespanMs.ci).toBeUndefined();
  });

  it('runs the flow shop example variants on the flow shop snapshot', async () => {
    const run = await twin(
      ...[
        'whatif',
        '--state',
        'examples/flow-shop-snapshot.json',
        '--model',
        'examples/models/flow-shop.json',
      ],
      ...['--variants', 'examples/variants/flow-shop-variants.json'],
    );

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^1\s+frame-7 first at the saw\s+better \(late orders\)/m);
    expect(run.stdout).toMatch(/Welder 2 serviced 09:10 to 09:40\s+worse/);
  });

  it('refuses a variant that names an order the snapshot does not have: one line naming the file, the variant and the order', async () => {
    const variants = file('unknown-order.json', {
      name: 'expedite order-9',
      changes: [{ change: 'expedite', order: 'order-9', eta: '2026-01-05T08:35:00Z' }],
    });

    const run = await twin('whatif', '--state', DEMO, '--variants', variants);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `twin: ${variants}: variant "expedite order-9", change 1 (expedite): order "order-9" is not an active order of the snapshot\n`,
    );
  });

  it('refuses a variants file that does not fit the schema: one line with the JSON path of the problem', async () => {
    const variants = file('bad-station.json', [
      { name: 'more', changes: [{ change: 'units', station: 'line', add: 0 }] },
    ]);

    const run = await twin('whatif', '--state', DEMO, '--variants', variants);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`twin: ${variants}: variants[0].changes[0].add: must not be 0\n`);
  });

  it('refuses an unknown objective, and a saved snapshot given together with a live twin', async () => {
    const objective = await twin(
      'whatif',
      '--state',
      DEMO,
      '--variants',
      DEMO_VARIANTS,
      '--objective',
      'speed',
    );
    const both = await twin('whatif', '--state', DEMO, '--variants', DEMO_VARIANTS, '--data-dir', dir);

    expect(objective.code).toBe(2);
    expect(objective.stderr).toMatch(/^twin: --objective: "speed" is not one of late-orders, /);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^twin: give --state FILE or the live state .*, not both\n$/);
  });
});

describe('twin recommend', () => {
  it('recommends one more unit at the line of the demo plant, in plain words with its interval', async () => {
    const run = await twin('recommend', '--state', DEMO);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Recommended \(\d+ options tried\), best first:/);
    expect(run.stdout).toContain(
      '1. One more unit at line for the next 8 h: 2 fewer late orders, 95 % CI [2, 2]',
    );
    expect(run.stdout).toContain(
      'The live plan: 2 late orders, 2 min 40 s total lateness, all done in 22 min.',
    );
  });

  it('prints the recommendations and the comparison behind them as JSON', async () => {
    const run = await twin(
      'recommend',
      '--state',
      'examples/flow-shop-snapshot.json',
      ...['--model', 'examples/models/flow-shop.json', '--max', '1', '--json'],
    );
    const result = JSON.parse(run.stdout);

    expect(run.code, run.stderr).toBe(0);
    expect(result.recommendations).toHaveLength(1);
    expect(result.recommendations[0].text).toMatch(/^Put frame-7 first at saw: 1 fewer late order/);
    expect(result.comparison.variants.some((v: { name: string }) => v.name === 'baseline')).toBe(true);
  });

  it('says that nothing does better than the live plan when no order is late', async () => {
    const asOf = Date.UTC(2026, 0, 5, 8);
    const state = file('on-time.json', {
      asOf,
      orders: [{ orderId: 'a', acceptedAt: asOf, updatedAt: asOf, dueAt: asOf + 3_600_000 }],
    });

    const run = await twin('recommend', '--state', state);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^No option does better than the live plan \(\d+ options tried\): keep it\.$/m,
    );
  });
});

describe('twin schema variant', () => {
  it('prints the JSON Schema of a variants file, which the example variants follow', async () => {
    const run = await twin('schema', 'variant');
    const schema = JSON.parse(run.stdout);

    expect(run.code).toBe(0);
    expect(schema.title).toBe('What-if variants');
    expect(JSON.stringify(schema)).toContain('"rush-order"');
    for (const example of [DEMO_VARIANTS, 'examples/variants/flow-shop-variants.json'])
      expect(parseVariants(JSON.parse(readFileSync(example, 'utf8'))).length).toBeGreaterThan(0);
  });
});
