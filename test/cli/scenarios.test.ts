// `twin scenarios` end to end: the example warehouse and its scenarios through bin/twin.cjs, the table,
// the JSON and the HTML report; and what it refuses (an unknown kind, a bad file, a station the model
// lacks, an objective that is no KPI), each in one line with exit code 2.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { twin } from '../support/cli.ts';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'twin-scenarios-'));
const MODEL = 'examples/models/warehouse.json';
const SCENARIOS = 'examples/scenarios/warehouse.json';
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

/** Runs `node bin/twin.cjs …args` as a user would (the bundle of `npm run build:cli` if it is current). */
function twinProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(
      process.execPath,
      [join(root, 'bin/twin.cjs'), ...args],
      { cwd: root, timeout: 120_000 },
      (error, stdout, stderr) =>
        done({ code: (error as { code?: number } | null)?.code ?? 0, stdout, stderr }),
    ),
  );
}

describe('twin scenarios', () => {
  it('runs the example warehouse scenarios, prints them ranked and writes a self-contained HTML report', async () => {
    const out = join(dir, 'report.html');

    const run = await twinProcess(
      'scenarios',
      '--model',
      MODEL,
      '--scenarios',
      SCENARIOS,
      '--replications',
      '5',
      '--out',
      out,
    );

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^warehouse scenarios: Regional distribution center/);
    expect(run.stdout).toMatch(/^Objective: lower meanCycleTime, then higher throughputPerHour\.$/m);
    expect(run.stdout).toMatch(/^Recommended: one more packing station$/m);
    expect(run.stdout).toMatch(/^Bottleneck: packing /m);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    for (const name of ['baseline', 'one more picker', 'one more packing station', 'peak day'])
      expect(html).toContain(`>${name}<`);
    expect(html).toContain('Recommended: <strong>one more packing station</strong>');
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
  }, 120_000);

  it('prints the report as JSON with --json, ranked by the objective given', async () => {
    const run = await twin(
      'scenarios',
      '--model',
      MODEL,
      '--scenarios',
      SCENARIOS,
      '--replications',
      '2',
      '--objective',
      'throughputPerHour',
      '--json',
    );

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.objective).toEqual(['throughputPerHour']);
    expect(report.replications).toBe(2);
    expect(report.scenarios.map((s: { name: string }) => s.name)).toEqual([
      'baseline',
      'one more picker',
      'one more packing station',
      'peak day',
    ]);
  }, 120_000);

  it('draws a progress bar on a terminal while it runs, and clears it before the result', async () => {
    let stderr = '';
    let stdout = '';

    const code = await main(
      ['scenarios', '--model', MODEL, '--scenarios', SCENARIOS, '--replications', '3'],
      {
        out: (text) => {
          stdout += text;
        },
        err: (text) => {
          stderr += text;
        },
        interactive: true,
      },
    );

    expect(code).toBe(0);
    // Each drawing starts by going back to the start of the line and clearing it.
    const drawings = stderr.split('\r\x1b[K');
    expect(drawings[0]).toBe('');
    expect(drawings[1]).toMatch(/^replications \[#*\.*\] \d+\/48 \(\d+\.\d s\)$/);
    expect(drawings.at(-1)).toBe('');
    expect(stdout).toContain('Recommended: ');
  }, 120_000);

  it.each([
    [
      'a model of an unknown kind',
      () => [file('depot.json', { kind: 'depot' }), SCENARIOS],
      /: kind: "depot" is not a twin this command knows \(known: product-delivery, warehouse\)\n$/,
    ],
    [
      'a model without a kind',
      () => [file('nokind.json', { name: 'x' }), SCENARIOS],
      /nokind\.json: kind: needs the kind of twin it models/,
    ],
    [
      'a file that is not JSON',
      () => [file('broken.json', '{ "kind": '), SCENARIOS],
      /broken\.json: not valid JSON/,
    ],
    [
      'a missing file',
      () => [join(dir, 'absent.json'), SCENARIOS],
      /absent\.json: cannot read: no such file\n$/,
    ],
    [
      'a model with a wrong field',
      () => [
        file('bad-units.json', { ...JSON.parse(readFileSync(MODEL, 'utf8')), horizonHours: 'long' }),
        SCENARIOS,
      ],
      /bad-units\.json: horizonHours: /,
    ],
    [
      'a scenario naming a station the model lacks',
      () => [
        MODEL,
        file('robots.json', {
          kind: 'warehouse',
          scenarios: [{ name: 'robots', changes: { addUnits: { robots: 1 } } }],
        }),
      ],
      /robots\.json: scenarios\[0\]\.changes\.addUnits: unknown station "robots" \(the model's: receiving-docks, put-away, pickers, packing, shipping-docks\)\n$/,
    ],
  ])('refuses %s in one line, exit code 2', async (_what, files, message) => {
    const [model, scenarios] = files();

    const run = await twin('scenarios', '--model', model!, '--scenarios', scenarios!, '--replications', '2');

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(/^twin: /);
    expect(run.stderr).toMatch(message);
  });

  it('refuses an objective that is no KPI of the twin, and a single replication', async () => {
    const objective = await twin(
      'scenarios',
      '--model',
      MODEL,
      '--scenarios',
      SCENARIOS,
      '--objective',
      'speed',
    );
    const one = await twin('scenarios', '--model', MODEL, '--scenarios', SCENARIOS, '--replications', '1');

    expect(objective.code).toBe(2);
    expect(objective.stderr).toMatch(
      /^twin: --objective: "speed" is not a KPI of the warehouse twin \(its KPIs: meanCycleTime, /,
    );
    expect(one.code).toBe(2);
    expect(one.stderr).toBe('twin: --replications must be a whole number from 2 to 100000, got "1"\n');
  });
});
