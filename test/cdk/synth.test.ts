// `npx cdk synth` as CI runs it: no AWS credentials, no Docker (a `docker` on the PATH that only
// records being called), the local esbuild bundling all three functions with source maps, and
// cdk-nag's checks passing (bin/app.ts fails the synth on any unacknowledged finding).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_MODEL_NAME, DEMO_MODEL_FILE } from '../../lib/ForecastPipeline.ts';
import { TWIN_STACK_NAME } from '../../lib/TwinStack.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'twin-synth-'));
const outDir = join(work, 'cdk.out');
const dockerCalls = join(work, 'docker-calls');

let result: ReturnType<typeof spawnSync>;
let seconds = 0;

beforeAll(() => {
  // A docker that fails and leaves a trace: bundling through Docker would show up here.
  const fakeBin = join(work, 'bin');
  spawnSync('mkdir', ['-p', fakeBin]);
  writeFileSync(join(fakeBin, 'docker'), `#!/bin/sh\necho "$@" >> '${dockerCalls}'\nexit 1\n`);
  chmodSync(join(fakeBin, 'docker'), 0o755);
  // No credentials, profile or region: an environment-agnostic stack needs none.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')),
  );
  const started = performance.now();
  result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outDir], {
    cwd: root,
    // Nor instance metadata: on a cloud machine the CLI would otherwise find a role and ask STS who it is.
    env: {
      ...env,
      PATH: `${fakeBin}${delimiter}${process.env.PATH}`,
      AWS_EC2_METADATA_DISABLED: 'true',
      CI: 'true',
    },
    encoding: 'utf8',
    timeout: 110_000,
  });
  seconds = (performance.now() - started) / 1000;
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npx cdk synth', () => {
  it('succeeds without AWS credentials, Docker or an unacknowledged cdk-nag finding', () => {
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(existsSync(dockerCalls)).toBe(false);
    expect(seconds).toBeLessThan(60);
  });

  it('bundles every function with the local esbuild into an ES module with its source map', () => {
    const assets = readdirSync(outDir).filter((name) => name.startsWith('asset.'));
    expect(assets).toHaveLength(5);
    for (const asset of assets) {
      const files = readdirSync(join(outDir, asset));
      expect(files).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
      const code = readFileSync(join(outDir, asset, 'index.mjs'), 'utf8');
      expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    }
  });

  it('bundles the dashboard page with the dashboard function', () => {
    const withPage = readdirSync(outDir).filter((name) =>
      existsSync(join(outDir, name, 'page', 'index.html')),
    );
    expect(withPage).toHaveLength(1);
    expect(readdirSync(join(outDir, withPage[0]!, 'page'))).toEqual(
      expect.arrayContaining(['app.js', 'app.css']),
    );
  });

  it('bundles the demo plant, the default model, with the forecast function, the dashboard (what-if), the calibrate function and the observer (recalibration on drift)', () => {
    const withModel = readdirSync(outDir).filter((name) =>
      existsSync(join(outDir, name, BUNDLED_MODEL_NAME)),
    );
    expect(withModel).toHaveLength(4);
    expect(withModel.filter((name) => existsSync(join(outDir, name, 'page', 'index.html')))).toHaveLength(1);
    for (const asset of withModel) {
      expect(readFileSync(join(outDir, asset, BUNDLED_MODEL_NAME), 'utf8')).toBe(
        readFileSync(DEMO_MODEL_FILE, 'utf8'),
      );
    }
  });

  it('writes an environment-agnostic template', () => {
    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts[TWIN_STACK_NAME].environment).toBe('aws://unknown-account/unknown-region');
  });
});
