// `twin simulate` on models that never end: a loop on which no time passes is refused when the
// model is loaded, a run beyond its limits stops, and every option's range is checked at the door:
// one line that names what is wrong, exit code 2, never a hang or a stack trace.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { twin } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'twin-simulate-'));
const file = (name: string, model: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(model));
  return path;
};
const CASYMDA = 'sim-core/models/casymda-benchmark.json';

/** Entities that arrive a 1e-300 apart: time passes on paper, but a clock at 1 cannot show it. */
const standstill = file('standstill.json', {
  name: 'standstill',
  blocks: [
    { id: 'in', type: 'source', interArrival: 1e-300, count: 1e15, next: 'out' },
    { id: 'out', type: 'sink' },
  ],
});

describe('twin simulate with a model that never ends', () => {
  it('refuses a loop on which no time passes at once, in one line that names the file and the loop', async () => {
    const looping = file('looping.json', {
      name: 'looping',
      blocks: [
        { id: 'in', type: 'source', interArrival: 1, count: 3, next: 'wait' },
        { id: 'wait', type: 'delay', duration: 0, next: 'pick' },
        { id: 'pick', type: 'router', rule: 'alternate', to: ['wait', 'out'] },
        { id: 'out', type: 'sink' },
      ],
    });

    const run = await twin('simulate', '--model', looping);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `twin: ${looping}: model: the blocks wait → pick → wait form a loop on which no time need pass ` +
        '(the duration of delay "wait" can be 0): an entity could go round it for ever at one instant; ' +
        'a loop needs a delay that always takes time (a duration certain to be > 0, not taken from an entity attribute)\n',
    );
  });

  it('stops a run beyond --max-events in one line that says how to raise it', async () => {
    const run = await twin('simulate', '--model', standstill, '--until', '1', '--max-events', '10_000');

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^twin: .*standstill\.json: the simulation processed 10,000 events \(its limit\) and had not ended, at simulated time [\d.e-]+ \(raise --max-events if the run is meant to be that long\)\n$/,
    );
  });

  it('stops a run beyond --max-seconds in one line that says how to raise it', async () => {
    const run = await twin('simulate', '--model', standstill, '--until', '1', '--max-seconds', '0.2');

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^twin: .*standstill\.json: the simulation took more than 0\.2 s of wall time \(its limit\) and had not ended .*\(raise --max-seconds if the run is meant to be that long\)\n$/,
    );
  });

  it('names the file when the model fails with the run’s parameters', async () => {
    const model = file('queue.json', {
      name: 'queue',
      resources: [{ id: 'm', queue: 'constructor' }],
      blocks: [
        { id: 'in', type: 'source', interArrival: 1, count: 3, next: 'wait' },
        { id: 'wait', type: 'seize', resource: 'm', next: 'done' },
        { id: 'done', type: 'release', resource: 'm', next: 'out' },
        { id: 'out', type: 'sink' },
      ],
    });

    const run = await twin('simulate', '--model', model);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`twin: ${model}: resource "m": unknown queue rule "constructor"\n`);
  });
});

describe('twin simulate given another of the twin’s files', () => {
  it('names it for what it is, with what a block model is, exit code 2', async () => {
    const run = await twin('simulate', '--model', 'examples/order-flow-uncertain.json');

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'twin: examples/order-flow-uncertain.json: a plant model (of --model), not a block model: a block model declares blocks and resources (docs/model-and-forecasts.md#block-models-twin-simulate)\n',
    );
  });
});

describe('twin simulate option ranges', () => {
  const cases: [string[], string][] = [
    [['--until', '0'], '--until must be a number above 0 and at most 1e15, got "0"'],
    [['--until=-5'], '--until must be a number above 0 and at most 1e15, got "-5"'],
    [['--until', '1e300'], '--until must be a number above 0 and at most 1e15, got "1e300"'],
    [['--until', 'Infinity'], '--until must be a number above 0 and at most 1e15, got "Infinity"'],
    [['--replications', '0'], '--replications must be a whole number from 1 to 100000, got "0"'],
    [['--replications', '1e9'], '--replications must be a whole number from 1 to 100000, got "1e9"'],
    [['--max-events', '0'], '--max-events must be a whole number from 1 to 1e12, got "0"'],
    [['--max-seconds', '0'], '--max-seconds must be a number above 0 and at most 86400, got "0"'],
    [['--max-seconds', ''], '--max-seconds must be a number above 0 and at most 86400, got ""'],
  ];
  for (const [options, message] of cases) {
    it(`refuses ${options.join(' ')} in one line that states the range, exit code 2`, async () => {
      const run = await twin('simulate', '--model', CASYMDA, ...options);

      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`twin: ${message}\n`);
    });
  }

  it('states the limits and their defaults in --help', async () => {
    const run = await twin('simulate', '--help');

    expect(run.stdout).toMatch(
      /--max-events N\s+the most events one replication may process: 1 to 1e12 \(default: 100_000_000\)/,
    );
    expect(run.stdout).toMatch(
      /--max-seconds S\s+the most wall time the whole run may take: > 0, at most 86,400 \(default: 600\)/,
    );
    expect(run.stdout).toMatch(/--replications N\s+.*: 1 to 100,000 \(default: 1\)/);
  });

  it('runs within its limits as before', async () => {
    const run = await twin(
      'simulate',
      '--model',
      CASYMDA,
      '--json',
      '--max-events',
      '1_000_000',
      '--max-seconds',
      '60',
    );

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).replications[0]).toMatchObject({ endTime: 1_000_000, events: 200_000 });
  });

  it('with --no-percentiles, reports the mean times and no p95 ("-")', async () => {
    const run = await twin('simulate', '--model', CASYMDA, '--no-percentiles');

    expect(run.code).toBe(0);
    // block, type, entered, left, mean time, p95 time: a delay of 10 takes 10, its p95 is not kept.
    expect(run.stdout).toMatch(/parallel-delay\s+delay\s+50000\s+50000\s+10\s+-/);
  });
});
