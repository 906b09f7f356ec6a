// `twin forecast`: a saved snapshot in, a readable table or JSON out; a malformed snapshot is one
// clear line that names the file, the order and the field, and exit code 2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { twin } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'twin-forecast-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const DEMO = 'examples/demo-snapshot.json';

describe('twin forecast', () => {
  it('prints a table of the demo snapshot with the knock-on orders', async () => {
    const run = await twin('forecast', '--state', DEMO);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/order-2\s+in production\s.*own-material/);
    expect(run.stdout).toMatch(/order-3\s+queued for production\s.*knock-on \(line\)/);
    expect(run.stdout).toMatch(/order-4\s+material\s.*knock-on \(line\)/);
    expect(run.stderr).toBe('');
  });

  it('prints JSON with the per-order fields under "orders", the stations and the model', async () => {
    const run = await twin('forecast', '--state', DEMO, '--json');
    const result = JSON.parse(run.stdout);

    expect(run.code).toBe(0);
    expect(result.orders).toHaveLength(4);
    expect(Object.keys(result.orders[1])).toEqual(
      expect.arrayContaining([
        'orderId',
        'product',
        'position',
        'completedAt',
        'plannedCompletedAt',
        'steps',
        'dueAt',
        'latenessMs',
        'delayCause',
      ]),
    );
    expect(result.kpis).toMatchObject({ activeOrders: 4, ordersLate: 2 });
    expect(result.stations).toEqual([
      { station: 'line', name: 'Production line', capacity: 1, utilisation: 1, maxQueue: 1 },
    ]);
    expect(result.model).toMatchObject({ name: 'order-flow', hash: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('forecasts any plant model: the flow shop, per order its steps with queues, per station its load', async () => {
    const run = await twin(
      'forecast',
      ...[
        '--state',
        'examples/flow-shop-snapshot.json',
        '--model',
        'examples/models/flow-shop.json',
        '--json',
      ],
    );
    const result = JSON.parse(run.stdout);

    expect(run.code, run.stderr).toBe(0);
    expect(result.model).toMatchObject({ name: 'flow-shop', timeUnit: 'min' });
    expect(result.stations.map((s: { station: string }) => s.station)).toEqual(['saw', 'welder', 'booth']);
    const frame6 = result.orders.find((o: { orderId: string }) => o.orderId === 'frame-6');
    expect(frame6).toMatchObject({
      product: 'frame',
      position: { kind: 'queue', step: 'cut', station: 'saw' },
      delayCause: 'none',
      latenessMs: expect.any(Number),
    });
    expect(
      frame6.steps.map((s: { step: string; kind: string; station?: string }) => [s.step, s.kind, s.station]),
    ).toEqual([
      ['material', 'material', undefined],
      ['cut', 'queue', 'saw'],
      ['cut', 'queue', 'saw'],
      ['cut', 'operation', 'saw'],
      ['weld', 'queue', 'welder'],
      ['weld', 'operation', 'welder'],
      ['paint', 'queue', 'booth'],
      ['paint', 'operation', 'booth'],
    ]);
    expect(result.kpis).toMatchObject({ activeOrders: 9, makespanMs: 39 * 60_000, ordersLate: 2 });
  });

  it("takes overrides of the model's parameters, a number, a name or a distribution, as --param", async () => {
    const run = await twin(
      'forecast',
      ...['--state', DEMO, '--json', '--param', 'lines=2', '--param', 'queueRule=due-date'],
      ...['--param', 'productionTime={"dist":"uniform","min":480000,"max":720000}'],
    );

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).model.parameters).toMatchObject({
      lines: 2,
      queueRule: 'due-date',
      productionTime: { dist: 'uniform', min: 480000, max: 720000 },
    });
    expect(JSON.parse(run.stdout).stations[0]).toMatchObject({ station: 'line', capacity: 2 });
  });

  it('with --replications, adds the spread of each order’s end and its chance to be on time', async () => {
    const uncertain = ['--model', 'examples/order-flow-uncertain.json', '--replications', '500'];

    const run = await twin('forecast', '--state', DEMO, ...uncertain);
    const json = await twin('forecast', '--state', DEMO, ...uncertain, '--json', '--seed', '3');

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Monte Carlo: 500 draws of the future \(seed 1\)/);
    expect(run.stdout).toMatch(/production triangular\(min 8 min, mode 9 min, max 13 min\) at line/);
    expect(run.stdout).toMatch(/P10–P90\s+on time/);
    // The finished order has nothing left to draw; the late ones are late in most draws.
    expect(run.stdout).toMatch(/order-1\s+completed.*08:20:00–08:20:00\s+100 %/);
    expect(run.stdout).toMatch(
      /order-3\s+queued for production.*LATE.*\d\d:\d\d:\d\d–\d\d:\d\d:\d\d\s+\d{1,2} %/,
    );
    const result = JSON.parse(json.stdout);
    expect(result.monteCarlo).toEqual({ replications: 500, seed: 3 });
    for (const o of result.orders) {
      expect(o.completedAtP10).toBeLessThanOrEqual(o.completedAtP50);
      expect(o.completedAtP50).toBeLessThanOrEqual(o.completedAtP90);
      expect(o.onTimeProbability).toBeGreaterThanOrEqual(0);
      expect(o.onTimeProbability).toBeLessThanOrEqual(1);
    }
  });

  for (const replications of ['0', '100001', '1e9', '2.5']) {
    it(`rejects ${replications} replications in one line that states the range, exit code 2`, async () => {
      const run = await twin('forecast', '--state', DEMO, '--replications', replications);

      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `twin: --replications must be a whole number from 1 to 100000, got "${replications}"\n`,
      );
    });
  }

  it('takes any integer as --seed, whole: 2^32 + 1 draws other futures than 1, and 1e30 is 10^30', async () => {
    const spreads = async (seed: string) => {
      const run = await twin(
        'forecast',
        '--state',
        DEMO,
        ...['--model', 'examples/order-flow-uncertain.json', '--replications', '50', '--json'],
        ...['--seed', seed],
      );
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as {
        monteCarlo: { seed: number | string };
        orders: { completedAtP10: number; completedAtP90: number }[];
      };
      return {
        seed: result.monteCarlo.seed,
        spreads: result.orders.map((o) => [o.completedAtP10, o.completedAtP90]),
      };
    };

    const one = await spreads('1');
    const wrapped = await spreads('4294967297');
    const huge = await spreads('1e30');
    const digits = await spreads(`1${'0'.repeat(30)}`);

    expect(wrapped.seed).toBe(4294967297);
    expect(wrapped.spreads).not.toEqual(one.spreads);
    expect(huge.seed).toBe(`1${'0'.repeat(30)}`);
    expect(huge).toEqual(digits);
    expect(huge.spreads).not.toEqual(one.spreads);
  });

  for (const seed of ['1.5', 'seven', '1e-3', '0x10', '']) {
    it(`rejects --seed "${seed}" in one line that names the option, exit code 2`, async () => {
      const run = await twin('forecast', '--state', DEMO, '--replications', '10', '--seed', seed);

      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`twin: --seed must be an integer (such as 42 or 1e30), got "${seed}"\n`);
    });
  }

  const malformed: [string, string, RegExp][] = [
    ['not JSON', '{"asOf": 1, ', /bad\.json: not valid JSON/],
    ['missing asOf', '{"orders": []}', /field "asOf": required/],
    [
      'asOf not a number',
      '{"asOf": "today", "orders": []}',
      /field "asOf": expected a number \(epoch ms\), got "today"/,
    ],
    ['orders not an array', '{"asOf": 1}', /field "orders": expected an array/],
    [
      'an order without orderId',
      '{"asOf": 1, "orders": [{"status": "ready", "materialArrivedAt": 1}]}',
      /orders\[0\]: field "orderId": required/,
    ],
    [
      'a time that is not a number',
      '{"asOf": 1, "orders": [{"orderId": "o-7", "status": "awaiting-material", "eta": "soon"}]}',
      /orders\[0\] \(order "o-7"\): field "eta": expected a number \(epoch ms\), got "soon"/,
    ],
    [
      'an unknown status',
      '{"asOf": 1, "orders": [{"orderId": "o-8", "status": "lost"}]}',
      /orders\[0\] \(order "o-8"\): field "status": unknown status "lost"/,
    ],
    [
      'a status without its time',
      '{"asOf": 1, "orders": [{"orderId": "o-9", "status": "in-production"}]}',
      /order "o-9"\): field "steps": required when status is "in-production" \(a step with startedAt and no finishedAt\)/,
    ],
    [
      'an order listed twice',
      '{"asOf": 1, "orders": [{"orderId": "x", "status": "accepted"}, {"orderId": "x", "status": "accepted"}]}',
      /orders\[1\] \(order "x"\): the order appears twice/,
    ],
    ['not an object', '[1, 2]', /expected an object/],
    [
      'an asOf beyond the year 9999',
      '{"asOf": 1e20, "orders": []}',
      /bad\.json: field "asOf": must be an epoch time in whole milliseconds between 0 and 253402300799999 \(from 1970-01-01T00:00:00\.000Z to 9999-12-31T23:59:59\.999Z\), got 100000000000000000000$/m,
    ],
    [
      'an infinite asOf',
      '{"asOf": 1e999, "orders": []}',
      /field "asOf": must be an epoch time .*, got Infinity$/m,
    ],
    [
      'a due date beyond the year 9999',
      '{"asOf": 1, "orders": [{"orderId": "o-5", "status": "accepted", "dueAt": 1e17}]}',
      /orders\[0\] \(order "o-5"\): field "dueAt": must be an epoch time in whole milliseconds between 0 and/,
    ],
    [
      'a time before 1970',
      '{"asOf": 1, "orders": [{"orderId": "o-6", "status": "ready", "materialArrivedAt": -60000}]}',
      /orders\[0\] \(order "o-6"\): field "materialArrivedAt": must be an epoch time .*, got -60000$/m,
    ],
    [
      'an order id that is not well-formed Unicode',
      '{"asOf": 1, "orders": [{"orderId": "o-\\ud800", "status": "accepted"}]}',
      /orders\[0\] \(order "o-\\ud800"\): field "orderId": must be well-formed Unicode/,
    ],
    [
      'a station state without its time',
      '{"asOf": 1, "orders": [], "stations": [{"station": "s-1", "unit": 2, "down": true}]}',
      /stations\[0\] \(station "s-1", unit 2\): field "since": required/,
    ],
    [
      'a maintenance that ends before it starts',
      '{"asOf": 1, "orders": [], "maintenance": [{"maintenanceId": "m-1", "station": "s-1", "from": 60000, "to": 0}]}',
      /maintenance\[0\] \(maintenance "m-1"\): field "to": must be after from \(60000\), got 0$/m,
    ],
  ];

  for (const [what, content, message] of malformed) {
    it(`rejects a snapshot with ${what} in one line, exit code 2`, async () => {
      const path = file('bad.json', content);

      const run = await twin('forecast', '--state', path);

      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain(path);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('names a file that does not exist', async () => {
    const run = await twin('forecast', '--state', join(dir, 'nope.json'));

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/nope\.json: cannot read: no such file/);
  });

  it('asks for --state when it is missing', async () => {
    const run = await twin('forecast');

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--state is required/);
  });

  it('names an unknown option', async () => {
    const run = await twin('forecast', '--state', DEMO, '--colour');

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--colour'.*twin forecast --help/);
  });

  it('names the file, the JSON path and the problem in a bad model file, exit code 2', async () => {
    const flowShop = JSON.parse(await readFile('examples/models/flow-shop.json', 'utf8'));
    flowShop.products[0].routing[2].station = 'lathe';
    const model = file('model.json', JSON.stringify(flowShop));

    const run = await twin('forecast', '--state', DEMO, '--model', model);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `twin: ${model}: model.products[0].routing[2].station: unknown station "lathe" (the model's: saw, welder, booth)\n`,
    );
  });

  it('refuses a model file in the block format of twin simulate, naming what is wrong', async () => {
    const model = file(
      'blocks.json',
      JSON.stringify({ name: 'm', blocks: [{ id: 'a', type: 'delay', duration: 1, next: 'a' }] }),
    );

    const run = await twin('forecast', '--state', DEMO, '--model', model);

    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/blocks\.json: model(\.products)?: /);
  });

  for (const name of ['constructor', '__proto__', 'toString']) {
    it(`rejects --param ${name}=1, a name every object has built in, in one line, exit code 2`, async () => {
      const run = await twin('forecast', '--state', DEMO, '--param', `${name}=1`);

      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`twin: --param: model "order-flow" has no parameter "${name}"\n`);
    });
  }

  it('takes for the live forecast (twin start) no more replications than the forecast Lambda does', async () => {
    const run = await twin('start', '--replications', '10001');

    expect(run.code).toBe(2);
    expect(run.stderr).toBe('twin: --replications must be a whole number from 1 to 10000, got "10001"\n');
  });

  it('rejects an unknown queue rule, a bad number of lines and a --param without a value', async () => {
    expect((await twin('forecast', '--state', DEMO, '--param', 'queueRule=random')).stderr).toBe(
      'twin: --param: parameter "queueRule" must name a queue rule (fifo, priority, due-date), got "random" (it is the queue rule of station line, model.stations[0].queueRule)\n',
    );
    expect((await twin('forecast', '--state', DEMO, '--param', 'lines=0')).stderr).toMatch(
      /parameter "lines" must be a whole number >= 1, got 0/,
    );
    expect((await twin('forecast', '--state', DEMO, '--param', 'lines')).stderr).toBe(
      'twin: --param must be name=value, got "lines"\n',
    );
  });
});
