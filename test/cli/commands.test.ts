// The `twin` tool as a whole: help on every subcommand, simulate, bench, the demo, and a real
// process that exits with code 2 and no stack trace on a user error.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isConnectionError } from '../../cli/connectionError.ts';
import { commands } from '../../cli/main.ts';
import { FORECAST_NODE_OPTIONS } from '../../contracts/resources.ts';
import { twin } from '../support/cli.ts';

const exec = promisify(execFile);

describe('twin', () => {
  it('lists its commands', async () => {
    const run = await twin('--help');

    expect(run.code).toBe(0);
    for (const c of commands) expect(run.stdout).toContain(c.name);
  });

  for (const command of commands) {
    it(`explains "${command.name}" with --help`, async () => {
      const run = await twin(command.name, '--help');

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: twin ${command.name}`);
      expect(run.stdout).toContain('--help');
    });
  }

  it('names an unknown command', async () => {
    const run = await twin('frobnicate');

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`twin: unknown command "frobnicate" (see 'twin --help')\n`);
  });

  it('exits 2 with one line and no stack trace when run as a process', async () => {
    const run = exec(process.execPath, ['bin/twin.cjs', 'forecast', '--state', 'package.json']);

    await expect(run).rejects.toMatchObject({ code: 2 });
    const error = (await run.catch((e) => e)) as { stderr: string };
    expect(error.stderr.trim().split('\n')).toHaveLength(1);
    expect(error.stderr).toMatch(/^twin: package\.json: field "asOf": required/);
    expect(error.stderr).not.toMatch(/\s+at\s/);
  });
});

describe('isConnectionError', () => {
  const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

  it("counts an unreachable endpoint (the shared list: test/contracts) and the SDK's request timeout, nothing else", () => {
    expect(isConnectionError(withCode('ECONNREFUSED'))).toBe(true);
    expect(isConnectionError(withCode('ETIMEDOUT'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(true);
    expect(
      isConnectionError(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' })),
    ).toBe(false);
    expect(isConnectionError(withCode('EACCES'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });
});

describe('twin simulate', () => {
  it("prints KPIs of Casymda's model", async () => {
    const run = await twin('simulate', '--model', 'sim-core/models/casymda-benchmark.json');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('end time 1000000 min');
    expect(run.stdout).toContain('throughput 100000 entities');
    expect(run.stdout).toMatch(/machine\s+1\s+50\.0 %/);
  });

  it('runs replications from one seed and shows progress, as JSON', async () => {
    const run = await twin(
      'simulate',
      '--model',
      'test/sim-core/fixtures/order-flow-blocks.json',
      '--until',
      '86400000',
      '--replications',
      '3',
      '--seed',
      '7',
      '--json',
    );
    const result = JSON.parse(run.stdout);

    expect(result.seed).toBe(7);
    expect(result.replications.map((r: { replication: number }) => r.replication)).toEqual([1, 2, 3]);
    // Orders every 10 min, done 20 min later: those accepted up to 23:30 finish within the day.
    expect(result.replications[0].throughput).toBe(142);
    expect(run.stderr).toContain('replication 3/3 done');
  });

  it('takes a seed beyond a safe integer, whole, and draws each replication apart', async () => {
    const run = await twin(
      'simulate',
      ...['--model', 'test/sim-core/fixtures/order-flow-uncertain-blocks.json', '--until', '86400000'],
      ...['--replications', '3', '--seed', '1e30', '--json'],
    );
    const result = JSON.parse(run.stdout) as { seed: string; replications: { blocks: unknown[] }[] };

    expect(run.code, run.stderr).toBe(0);
    expect(result.seed).toBe(`1${'0'.repeat(30)}`);
    expect(new Set(result.replications.map((r) => JSON.stringify(r.blocks))).size).toBe(3);
  });

  it('rejects a seed that is not an integer in one line', async () => {
    const run = await twin(
      'simulate',
      '--model',
      'test/sim-core/fixtures/order-flow-blocks.json',
      '--seed',
      '2.5',
    );

    expect(run.code).toBe(2);
    expect(run.stderr).toBe('twin: --seed must be an integer (such as 42 or 1e30), got "2.5"\n');
  });

  it('asks for a time limit when a source never stops', async () => {
    const run = await twin('simulate', '--model', 'test/sim-core/fixtures/order-flow-blocks.json');

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/source without a count: give a time to run until/);
  });
});

describe('twin schema', () => {
  it('prints the JSON Schema of the order events (step and v1 production events among them) and the station events', async () => {
    const run = await twin('schema');
    const schema = JSON.parse(run.stdout);

    expect(run.code).toBe(0);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const variants = schema.oneOf as { properties: Record<string, { const?: string }>; required: string[] }[];
    expect(variants.map((v) => v.properties.type!.const)).toEqual([
      'OrderAccepted',
      'MaterialOrdered',
      'EtaUpdated',
      'MaterialArrived',
      'StepStarted',
      'StepFinished',
      'ProductionStarted',
      'ProductionFinished',
      'OrderDelivered',
      'StationDown',
      'StationUp',
      'MaintenancePlanned',
      'MaintenanceCancelled',
    ]);
    for (const v of variants.slice(0, 9))
      expect(v.required).toEqual(expect.arrayContaining(['eventId', 'orderId', 'occurredAt', 'type']));
    for (const v of variants.slice(9)) {
      expect(v.required).toEqual(expect.arrayContaining(['eventId', 'occurredAt', 'type']));
      expect(v.required).not.toContain('orderId');
    }
    expect(variants[9]!.required).toContain('station');
    expect(variants[9]!.properties.unit).toMatchObject({ type: 'integer', minimum: 1 });
    expect(variants[11]!.required).toEqual(
      expect.arrayContaining(['maintenanceId', 'station', 'from', 'to']),
    );
    expect(variants[12]!.required).toContain('maintenanceId');
    expect(variants[1]!.required).toContain('eta');
    expect(variants[4]!.required).toContain('step');
    expect(variants[4]!.properties.station).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect(variants[0]!.properties.product).toMatchObject({ type: 'string', maxLength: 100 });
  });
});

describe('twin schema model', () => {
  it('prints the JSON Schema of a plant model file, which the shipped models follow', async () => {
    const run = await twin('schema', 'model');
    const schema = JSON.parse(run.stdout);

    expect(run.code).toBe(0);
    expect(schema.title).toBe('Plant model');
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'products']));
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['timeUnit', 'parameters', 'stations', 'products', 'defaultProduct', 'etaSlip']),
    );
  });

  it('names what it prints when asked for a schema it does not have', async () => {
    const run = await twin('schema', 'plant');

    expect(run.code).toBe(2);
    expect(run.stderr).toBe('twin: twin schema: expected events, model or variant, got "plant"\n');
  });
});

describe('twin start', () => {
  it('refuses, before it starts anything, a model that is not a plant model and replications below 1', async () => {
    const notOrderFlow = await twin('start', '--model', 'sim-core/models/casymda-benchmark.json');
    const noDraws = await twin('start', '--replications', '0');

    expect(notOrderFlow.code).toBe(2);
    expect(notOrderFlow.stderr.trim()).toBe(
      'twin: sim-core/models/casymda-benchmark.json: model: a block model (of twin simulate), not a plant model: a plant model declares stations and products with routings (twin schema model, docs/model-file.md)',
    );
    expect(noDraws.code).toBe(2);
    expect(noDraws.stderr.trim()).toBe(
      'twin: --replications must be a whole number from 1 to 10000, got "0"',
    );
    for (const run of [notOrderFlow, noDraws]) expect(run.stderr).not.toMatch(/starting/);
  });
});

describe('twin bench', () => {
  it('prints endTime, events and wallMs as JSON', async () => {
    const run = await twin('bench', 'casymda', '--entities', '10000', '--inter-arrival', '0', '--json');
    const result = JSON.parse(run.stdout);

    expect(Object.keys(result)).toEqual(['endTime', 'events', 'wallMs']);
    expect(result.endTime).toBe(50_000);
    expect(result.events).toBeGreaterThan(20_000);
    expect(result.wallMs).toBeGreaterThan(0);
  });

  it("gives a warmed-up run's time beside the process's first run, and the peak memory, when asked", async () => {
    const run = await twin(
      'bench',
      'casymda',
      '--entities',
      '10000',
      '--warmup',
      '2',
      '--runs',
      '3',
      '--memory',
      '--json',
    );
    const result = JSON.parse(run.stdout);

    expect(Object.keys(result)).toEqual(['endTime', 'events', 'wallMs', 'freshMs', 'peakRssMb']);
    expect(result.freshMs).toBeGreaterThan(0);
    expect(result.peakRssMb).toBeGreaterThan(0);
  });

  it('runs the M/M/1 queue, warm after a fresh run, with its event count and mean time in system', async () => {
    const run = await twin('bench', 'mm1', '--customers', '1000', '--warmup', '1', '--json');
    const result = JSON.parse(run.stdout);

    expect(Object.keys(result)).toEqual([
      'endTime',
      'customers',
      'events',
      'wallMs',
      'meanTimeInSystem',
      'freshMs',
    ]);
    expect(result.customers).toBe(1_000);
    expect(result.events).toBe(5 * 1_000 + 2);
    expect(result.meanTimeInSystem).toBeGreaterThan(0);
    expect(result.freshMs).toBeGreaterThan(0);
  });

  it('refuses an option that another benchmark takes, and a benchmark it does not know', async () => {
    const foreign = await twin('bench', 'forecast', '--entities', '10');
    const unknown = await twin('bench', 'speed');

    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toBe(
      "twin: twin bench forecast: --entities is not one of its options (see 'twin bench --help')\n",
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no benchmark "speed"; say what to measure: casymda, mm1, forecast/);
  });

  it('times a forecast fresh and warm', async () => {
    const run = await twin('bench', 'forecast', '--orders', '200', '--json');
    const result = JSON.parse(run.stdout);

    expect(result).toMatchObject({ orders: 200, runs: 15, warmupRuns: 30 });
    expect(result.events).toBeGreaterThan(200);
    expect(result.freshMs).toBeGreaterThan(0);
    expect(result.minMs).toBeGreaterThan(0);
    expect(result.minMs).toBeLessThanOrEqual(result.medianMs);
  });

  it('measures with the Node.js options npm start and the forecast Lambda run with, when started without them', async () => {
    const run = await exec(process.execPath, [
      'bin/twin.cjs',
      'bench',
      'forecast',
      '--orders',
      '50',
      '--json',
    ]);
    const result = JSON.parse(run.stdout);

    expect(result.orders).toBe(50);
    expect(result.nodeOptions).toEqual([FORECAST_NODE_OPTIONS]);
  });

  it('times a Monte Carlo forecast, with more kernel events than one deterministic forecast', async () => {
    const one = JSON.parse((await twin('bench', 'forecast', '--orders', '200', '--json')).stdout);
    const run = await twin('bench', 'forecast', '--orders', '200', '--replications', '10', '--json');
    const result = JSON.parse(run.stdout);

    // 2,000 draws a forecast: the most warm-up runs, 100, make fewer than MONTE_CARLO_WARM_UP_DRAWS.
    expect(result).toMatchObject({ orders: 200, replications: 10, runs: 9, warmupRuns: 100 });
    // The deterministic forecast, plus ten replications of the same plant.
    expect(result.events).toBeGreaterThan(5 * one.events);
    expect(result.minMs).toBeLessThanOrEqual(result.medianMs);
  });

  it('says what to measure when nothing is named', async () => {
    expect((await twin('bench')).stderr).toMatch(
      /say what to measure: casymda, mm1, forecast, forecast-process, ingest, forecast-handler, lambda-cold, latency, plants, whatif, accuracy, faults or all/,
    );
  });
});

describe('twin demo (offline)', () => {
  it('shows the cascade of the late supplier', async () => {
    const run = await twin('demo');

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/order-2 .*own-material/);
    expect(run.stdout).toMatch(/order-4 .*knock-on/);
  });
});
