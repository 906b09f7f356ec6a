// Every kind of user error, on every command, as a person meets it: `twin …` run as a real process
// exits with code 2 and one line on stderr, no stack trace, quickly, and leaves nothing running.
// To cover another mistake, add a row to CASES.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'vitest';

/** How long one refusal may take, tsx's start included, on a busy 2-core machine. */
const BOUND_MS = 10_000;
/** Processes run at once: more only queue for the same two cores, and stretch each one's time. */
const AT_ONCE = 3;

const dir = mkdtempSync(join(tmpdir(), 'twin-user-errors-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const casymda = JSON.parse(readFileSync('sim-core/models/casymda-benchmark.json', 'utf8')) as {
  blocks: { id: string }[];
};
const demoBlocks = JSON.parse(readFileSync('test/sim-core/fixtures/order-flow-blocks.json', 'utf8')) as {
  blocks: { id: string }[];
};
const flowShop = JSON.parse(readFileSync('examples/models/flow-shop.json', 'utf8')) as {
  stations: { id: string; capacity: unknown }[];
};
const snapshot = JSON.stringify({
  asOf: 1767601860000,
  orders: [{ status: 'accepted', acceptedAt: 1767600000000, updatedAt: 1767600000000 }],
});
const FILES = {
  missing: join(dir, 'missing.json'),
  badJson: file('bad.json', '{"asOf": '),
  // A model whose block leads to a block that does not exist.
  badModel: file(
    'bad-model.json',
    JSON.stringify({
      ...casymda,
      blocks: casymda.blocks.map((b) => (b.id === 'parallel-delay' ? { ...b, next: 'nowhere' } : b)),
    }),
  ),
  // A snapshot whose order has no orderId.
  badSnapshot: file('bad-snapshot.json', snapshot),
  plainFile: file('plain.txt', 'not a directory'),
  // The demo plant's block model with the line released back into its own queue: a loop on which
  // no time need pass.
  loopModel: file(
    'loop-model.json',
    JSON.stringify({
      ...demoBlocks,
      blocks: demoBlocks.blocks.map((b) => (b.id === 'release' ? { ...b, next: 'queue' } : b)),
    }),
  ),
  // The flow shop with a welder of no units.
  badPlant: file(
    'bad-plant.json',
    JSON.stringify({
      ...flowShop,
      stations: flowShop.stations.map((s) => (s.id === 'welder' ? { ...s, capacity: 0 } : s)),
    }),
  ),
  // A snapshot whose "now" lies beyond the dates JavaScript can hold.
  farSnapshot: file('far-snapshot.json', JSON.stringify({ asOf: 1e20, orders: [] })),
  // A what-if variant that expedites an order the demo snapshot does not have.
  unknownOrderVariant: file(
    'unknown-order-variant.json',
    JSON.stringify({
      name: 'expedite order-9',
      changes: [{ change: 'expedite', order: 'order-9', eta: '2026-01-05T08:35:00Z' }],
    }),
  ),
  // A model parameter named like the prototype of every object.
  protoModel: file(
    'proto-model.json',
    `{"name":"p","parameters":{"__proto__":1},"blocks":[{"id":"in","type":"source","interArrival":1,"count":1,"next":"out"},{"id":"out","type":"sink"}]}`,
  ),
};

interface UserErrorCase {
  /** The mistake, as the test's name. */
  what: string;
  args: string[];
  /** What the one line says (after "twin: "). */
  says: RegExp;
  /** Environment variables set for this run only. */
  env?: Record<string, string>;
}

/**
 * Every command and every kind of mistake at least once; a mistake that several commands share through
 * one code path (the tables of reset and accuracy, readJson) is run on one or two of them.
 */
const CASES: UserErrorCase[] = [
  // Unknown commands and options, missing required ones.
  { what: 'a command named like a built-in', args: ['constructor'], says: /^unknown command "constructor"/ },
  ...['demo', 'schema', 'simulate', 'dashboard'].map((command) => ({
    what: `an unknown option of ${command}`,
    args: [command, '--frobnicate'],
    says: new RegExp(`^twin ${command}: Unknown option '--frobnicate'`),
  })),
  { what: 'forecast without --state', args: ['forecast'], says: /--state is required/ },
  { what: 'simulate without --model', args: ['simulate'], says: /--model is required/ },
  { what: 'bench without a benchmark', args: ['bench'], says: /say what to measure/ },
  { what: 'bench with a built-in name', args: ['bench', 'constructor'], says: /no benchmark "constructor"/ },

  // Numbers that are not numbers, or out of their range.
  {
    what: 'start --port 70000',
    args: ['start', '--port', '70000'],
    says: /^--port must be a whole number from 0 to 65535, got "70000"$/,
  },
  {
    what: 'dashboard --port -1',
    args: ['dashboard', '--port', '-1'],
    says: /^--port must be a whole number from 0 to 65535, got "-1"$/,
  },
  {
    what: 'start --speed 0',
    args: ['start', '--speed', '0'],
    says: /^--speed must be a number >= 0\.001, got "0"$/,
  },
  {
    what: 'start --replications 1e9',
    args: ['start', '--replications', '1e9'],
    says: /^--replications must be a whole number from 1 to 10000, got "1e9"$/,
  },
  {
    what: 'start --duration 0',
    args: ['start', '--duration', '0'],
    says: /^--duration must be a duration above 0 and at most 3650d.*, got "0"$/,
  },
  {
    what: 'emulate --speed -1',
    args: ['emulate', '--speed', '-1'],
    says: /^--speed must be a number >= 0\.001 \(or max\), got "-1"$/,
  },
  {
    what: 'emulate --rate 0',
    args: ['emulate', '--rate', '0'],
    says: /^--rate must be a number from 1 to 100000, got "0"$/,
  },
  {
    what: 'emulate --duration soon',
    args: ['emulate', '--duration', 'soon'],
    says: /^--duration must be a duration .*, got "soon"$/,
  },
  {
    what: 'emulate --seed x',
    args: ['emulate', '--seed', 'x'],
    says: /^--seed must be an integer .*, got "x"$/,
  },
  {
    what: 'accuracy --since 0',
    args: ['accuracy', '--since', '0'],
    says: /^--since must be a duration above 0.*, got "0"$/,
  },
  {
    what: 'accuracy --horizons with a wrong one',
    args: ['accuracy', '--horizons', '15m,soon'],
    says: /^--horizons must be durations above 0.*; "soon" is not one$/,
  },
  {
    what: 'forecast --replications 0',
    args: ['forecast', '--state', 'examples/demo-snapshot.json', '--replications', '0'],
    says: /^--replications must be a whole number/,
  },
  {
    what: 'bench forecast --orders x',
    args: ['bench', 'forecast', '--orders', 'x'],
    says: /^--orders must be a whole number/,
  },
  {
    what: 'bench lambda-cold --threads 2 without --replications',
    args: ['bench', 'lambda-cold', '--threads', '2'],
    says: /^--threads goes with --replications/,
  },
  {
    what: 'bench lambda-cold --threads 7',
    args: ['bench', 'lambda-cold', '--replications', '100', '--threads', '7'],
    says: /^--threads must be at most 6/,
  },

  // Endpoints that are not URLs, given as options or in AWS_ENDPOINT_URL.
  ...['start', 'emulate', 'dashboard', 'reset'].map((command) => ({
    what: `${command} --endpoint notaurl`,
    args: [command, '--endpoint', 'notaurl'],
    says: /^--endpoint must be an http:\/\/ or https:\/\/ URL, got "notaurl"$/,
  })),
  {
    what: 'start --kinesis-endpoint ftp://…',
    args: ['start', '--kinesis-endpoint', 'ftp://127.0.0.1:1', '--dynamodb-endpoint', 'http://127.0.0.1:1'],
    says: /^--kinesis-endpoint must be an http:\/\/ or https:\/\/ URL, got "ftp:\/\/127\.0\.0\.1:1"$/,
  },
  ...[['start'], ['emulate'], ['dashboard'], ['accuracy']].map((args) => ({
    what: `${args[0]} with AWS_ENDPOINT_URL=notaurl`,
    args,
    env: { AWS_ENDPOINT_URL: 'notaurl' },
    says: /^AWS_ENDPOINT_URL must be an http:\/\/ or https:\/\/ URL, got "notaurl"$/,
  })),

  // Addresses to listen on that do not resolve, or are not this machine's.
  {
    what: 'dashboard --host that does not resolve',
    args: ['dashboard', '--host', 'no-such-host.invalid'],
    says: /^--host "no-such-host\.invalid" does not resolve/,
  },
  // 203.0.113.0/24 is for documentation (RFC 5737): no machine has it.
  {
    what: 'dashboard --host of another machine',
    args: ['dashboard', '--host', '203.0.113.7'],
    says: /^--host "203\.0\.113\.7" is not an address of this machine/,
  },

  // Names that are built-ins of JavaScript objects, or not names AWS takes.
  {
    what: 'start --scenario constructor',
    args: ['start', '--scenario', 'constructor'],
    says: /^--scenario must be one of .*, got "constructor"$/,
  },
  {
    what: 'emulate --scenario __proto__',
    args: ['emulate', '--scenario', '__proto__'],
    says: /^--scenario must be one of .*, got "__proto__"$/,
  },
  {
    what: 'dashboard --table x',
    args: ['dashboard', '--table', 'x'],
    says: /^--table must be a table name of 3 to 255/,
  },
  {
    what: 'emulate --stream with a space',
    args: ['emulate', '--stream', 'my stream'],
    says: /^--stream must be a stream name/,
  },
  {
    what: 'reset --name-prefix with a slash',
    args: ['reset', '--name-prefix', 'a/b', '--yes'],
    says: /^--name-prefix must be a name prefix/,
  },

  // Files that do not exist, are not JSON, or hold what fails validation; directories that are files.
  {
    what: 'start --scenario demo on another plant than the demo plant',
    args: ['start', '--model', 'examples/models/flow-shop.json', '--scenario', 'demo'],
    says: /^scenario demo is the seed article's four orders on the demo plant \(order-flow\), and model flow-shop is another plant: its scenarios are steady, load and breakdowns$/,
  },
  {
    what: 'start --model that does not exist',
    args: ['start', '--model', FILES.missing],
    says: /missing\.json: cannot read: no such file$/,
  },
  {
    what: 'forecast --state that does not exist',
    args: ['forecast', '--state', FILES.missing],
    says: /missing\.json: cannot read: no such file$/,
  },
  {
    what: 'emulate --truth in a folder that does not exist',
    args: ['emulate', '--truth', join(FILES.missing, 'truth.jsonl'), '--dry-run'],
    says: /^--truth must be a file to write in an existing directory/,
  },
  {
    what: 'start --model that is not JSON',
    args: ['start', '--model', FILES.badJson],
    says: /bad\.json: not valid JSON/,
  },
  {
    what: 'forecast --state that is not JSON',
    args: ['forecast', '--state', FILES.badJson],
    says: /bad\.json: not valid JSON/,
  },
  ...['start', 'forecast'].map((command) => ({
    what: `${command} --model whose plant model fails validation`,
    args: [
      command,
      '--model',
      FILES.badPlant,
      ...(command === 'forecast' ? ['--state', 'examples/demo-snapshot.json'] : []),
    ],
    says: /bad-plant\.json: model\.stations\[1\]\.capacity: /,
  })),
  {
    what: 'start --model that is a block model',
    args: ['start', '--model', FILES.badModel],
    says: /bad-model\.json: model: a block model \(of twin simulate\), not a plant model/,
  },
  {
    what: 'simulate --model that fails validation',
    args: ['simulate', '--model', FILES.badModel],
    says: /leads to unknown block "nowhere"$/,
  },
  {
    what: 'forecast --state that fails validation',
    args: ['forecast', '--state', FILES.badSnapshot],
    says: /orders\[0\]: field "orderId": required/,
  },
  {
    what: 'simulate --model with a loop on which no time passes',
    args: ['simulate', '--model', FILES.loopModel],
    says: /form a loop on which no time need pass .*a loop needs a delay that always takes time/,
  },
  {
    what: 'simulate --model with a parameter named __proto__',
    args: ['simulate', '--model', FILES.protoModel],
    says: /__proto__/,
  },
  {
    what: 'forecast --state with an asOf beyond the dates JavaScript holds',
    args: ['forecast', '--state', FILES.farSnapshot],
    says: /field "asOf": must be an epoch time in whole milliseconds between 0 and 253402300799999/,
  },
  {
    what: 'forecast --replications 1e9',
    args: ['forecast', '--state', 'examples/demo-snapshot.json', '--replications', '1e9'],
    says: /^--replications must be a whole number from 1 to 100000, got "1e9"$/,
  },
  {
    what: 'forecast --param constructor=1',
    args: ['forecast', '--state', 'examples/demo-snapshot.json', '--param', 'constructor=1'],
    says: /^--param: model "order-flow" has no parameter "constructor"$/,
  },
  {
    what: 'forecast --param queueRule=constructor',
    args: ['forecast', '--state', 'examples/demo-snapshot.json', '--param', 'queueRule=constructor'],
    says: /^--param: parameter "queueRule" must name a queue rule \(fifo, priority, due-date\), got "constructor"/,
  },
  {
    what: 'forecast --param without a value',
    args: ['forecast', '--state', 'examples/demo-snapshot.json', '--param', 'lines='],
    says: /^--param lines: needs a value after "="$/,
  },
  {
    what: 'simulate --until 0',
    args: ['simulate', '--model', 'sim-core/models/casymda-benchmark.json', '--until', '0'],
    says: /^--until must be a number above 0 and at most 1e15, got "0"$/,
  },
  {
    what: 'whatif --variants naming an order the snapshot does not have',
    args: ['whatif', '--state', 'examples/demo-snapshot.json', '--variants', FILES.unknownOrderVariant],
    says: /unknown-order-variant\.json: variant "expedite order-9", change 1 \(expedite\): order "order-9" is not an active order of the snapshot$/,
  },
  {
    what: 'recommend --budget 0',
    args: ['recommend', '--state', 'examples/demo-snapshot.json', '--budget', '0'],
    says: /^--budget must be a number above 0 and at most 3600, got "0"$/,
  },
  {
    what: 'snapshot --plant that is not a plant id',
    args: ['snapshot', '--plant', 'north/1'],
    says: /^--plant must be 1 to 64 letters, digits, "\.", "_" or "-", starting with a letter or a digit, got "north\/1"$/,
  },
  {
    what: 'whatif --plant with --state',
    args: [
      'whatif',
      '--state',
      'examples/demo-snapshot.json',
      '--plant',
      'north',
      '--variants',
      'examples/variants/demo-variants.json',
    ],
    says: /^give --state FILE or the live state \(--data-dir, --endpoint, --aws, --as-of, --plant\), not both$/,
  },
  {
    what: 'snapshot --as-of that is not a time',
    args: ['snapshot', '--as-of', 'yesterday'],
    says: /^--as-of must be now, latest-event or an ISO-8601 time/,
  },
  ...['start', 'reset', 'snapshot'].map((command) => ({
    what: `${command} --data-dir that is a file`,
    args: [command, '--data-dir', FILES.plainFile],
    says: /^--data-dir must be a directory .*: it is a file$/,
  })),

  // twin play: a product-delivery model file, checked before anything is served.
  { what: 'play without --model', args: ['play'], says: /--model is required/ },
  {
    what: 'play --speed 0',
    args: ['play', '--model', 'examples/models/product-delivery.json', '--speed', '0'],
    says: /^--speed must be a number above 0/,
  },
  {
    what: 'play with a plant model instead of a product-delivery one',
    args: ['play', '--model', 'examples/models/flow-shop.json'],
    says: /examples\/models\/flow-shop\.json: model\.kind: must be "product-delivery"$/,
  },
];

/** A child's environment without the variables that would change what the cases test. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env))
    if (name.startsWith('AWS_ENDPOINT_URL') || name === 'DASHBOARD_TOKEN') delete env[name];
  return { ...env, ...extra };
}

/** Whether any process of the group `pgid` still runs. */
function groupRuns(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  leftRunning: boolean;
}

/** Runs `twin …args` as a process of its own group; a run past twice the bound is killed. */
async function runTwin(args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/twin.cjs', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const killer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 2 * BOUND_MS);
  const [code] = (await once(child, 'exit')) as [number | null];
  const ms = performance.now() - started;
  clearTimeout(killer);
  // The output is complete once the pipes close (a process left behind may hold them open).
  await Promise.race([once(child, 'close'), delay(2_000)]);
  // A helper the process started (tsx's esbuild service, when the command line runs from its
  // sources) may take a moment to notice its parent is gone: left running means still there later.
  let leftRunning = groupRuns(child.pid!);
  for (let waited = 0; leftRunning && waited < 3_000; waited += 100) {
    await delay(100);
    leftRunning = groupRuns(child.pid!);
  }
  if (leftRunning) process.kill(-child.pid!, 'SIGKILL');
  return { code, stdout, stderr, ms, leftRunning };
}

/** At most `n` of the calls at once; the others wait their turn. */
function limit(n: number): <T>(call: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (call) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await call();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
const slot = limit(AT_ONCE);

describe('a user error, run as a process', () => {
  for (const c of CASES) {
    it.concurrent(
      `${c.what}: exit code 2, one line, no stack trace, quickly, nothing left running`,
      async ({ expect }) => {
        const run = await slot(() => runTwin(c.args, environment(c.env)));

        const lines = run.stderr.split('\n');
        expect(run.code, run.stderr).toBe(2);
        expect(lines, run.stderr).toHaveLength(2);
        expect(lines[1]).toBe('');
        expect(lines[0]).toMatch(/^twin: \S/);
        expect(lines[0]!.slice('twin: '.length)).toMatch(c.says);
        expect(run.stderr).not.toMatch(/^\s+at /m);
        expect(run.stderr).not.toMatch(/\b[A-Z]\w*(Error|Exception)\b/);
        expect(run.stdout).toBe('');
        expect(run.ms, `took ${Math.round(run.ms)} ms`).toBeLessThan(BOUND_MS);
        expect(run.leftRunning).toBe(false);
      },
      CASES.length * BOUND_MS,
    );
  }
});
