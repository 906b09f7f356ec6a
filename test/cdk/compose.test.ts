// docker-compose.yml and the Dockerfile, checked statically (no Docker engine runs here): the file
// parses, LocalStack is pinned to a version that needs no token, services start in order on health
// checks, every command names a script or binary that exists with options it accepts, and every
// environment variable a service sets is one its code reads.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_SPEED } from '../../cli/commands/emulate.ts';
import { commands } from '../../cli/main.ts';
import { CONTEXT_KEYS } from '../../lib/stackContext.ts';
import { LAMBDA_RUNTIME } from '../../lib/TwinFunction.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  networks?: string[] | Record<string, { ipv4_address?: string }>;
  dns?: string[];
  ports?: string[];
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  networks: Record<string, { name: string; ipam: { config: { subnet: string }[] } }>;
};
const { services } = compose;
const projectServices = Object.entries(services).filter(([, s]) => s.build !== undefined);
const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

/**
 * LocalStack's settings the file may set, each with where it is defined: LocalStack's own code is not
 * here to grep, so a new one must be looked up and added here.
 */
const LOCALSTACK_SETTINGS: Record<string, string> = {
  LOCALSTACK_AUTH_TOKEN: 'docs.localstack.cloud, auth token (read by the token-gated images)',
  KINESIS_LATENCY: 'docs.localstack.cloud configuration, Kinesis (default 500 ms)',
  LAMBDA_EVENT_SOURCE_MAPPING_POLL_INTERVAL_SEC: 'localstack/localstack#12415, config.py (default 1 s)',
  LAMBDA_EVENT_SOURCE_MAPPING_MAX_BACKOFF_ON_EMPTY_POLL_SEC: 'localstack/localstack#12415 (default 10 s)',
  LAMBDA_EVENT_SOURCE_MAPPING_MAX_BACKOFF_ON_ERROR_SEC: 'localstack/localstack#12415 (default 60 s)',
  LAMBDA_DOCKER_NETWORK: 'docs.localstack.cloud configuration, Lambda',
  LAMBDA_IGNORE_ARCHITECTURE: 'docs.localstack.cloud configuration, Lambda',
};

/** The project's source folders, where the code a service runs reads its environment. */
const SOURCE_DIRS = [
  'bin',
  'cli',
  'contracts',
  'dashboard',
  'emulator',
  'forecast',
  'ingest',
  'lambdas',
  'lib',
  'local',
  'sim-core',
  'state',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === 'node_modules' || name === 'dist' ? [] : sourceFiles(path);
    return /\.(ts|mts|mjs|js|cjs)$/.test(name) || !name.includes('.') ? [path] : [];
  });
}

/** Whether any of `files` reads environment variable `name`. */
function reads(files: string[], name: string): boolean {
  const pattern = new RegExp(`process\\.env\\.${name}\\b|process\\.env\\[['"]${name}['"]\\]|['"]${name}['"]`);
  return files.some((file) => pattern.test(readFileSync(file, 'utf8')));
}

const projectSources = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(root, dir)));

/** The package of a binary in node_modules/.bin, whose code reads its environment. */
function binaryPackage(binary: string): string {
  const pkg = readdirSync(join(root, 'node_modules')).find((name) => {
    const manifest = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) return false;
    const bin = JSON.parse(readFileSync(manifest, 'utf8')).bin;
    return typeof bin === 'object' && bin !== null && binary in bin;
  });
  if (pkg === undefined) throw new Error(`no package provides ${binary}`);
  return join(root, 'node_modules', pkg);
}

/** The binaries an npm script runs (`a && b`), each of which must be installed. */
function scriptBinaries(script: string): string[] {
  return script.split('&&').map((part) => part.trim().split(/\s+/)[0]!);
}

describe('docker-compose.yml', () => {
  it('has LocalStack, the deploy, the emulator and the dashboard', () => {
    expect(Object.keys(services).sort()).toEqual(['dashboard', 'deploy', 'emulator', 'localstack']);
  });

  it('pins a LocalStack version that starts without an auth token (4.14.0 or earlier)', () => {
    const match = /^localstack\/localstack:(\d+)\.(\d+)\.(\d+)$/.exec(services.localstack!.image ?? '');
    expect(match, services.localstack!.image).not.toBeNull();
    const [major, minor, patch] = match!.slice(1).map(Number) as [number, number, number];
    expect(major * 1e6 + minor * 1e3 + patch).toBeLessThanOrEqual(4 * 1e6 + 14 * 1e3 + 0);
  });

  it('starts the deploy once LocalStack is healthy, then the emulator, then the dashboard (no sleeps)', () => {
    expect(services.localstack!.healthcheck!.test.join(' ')).toContain('/_localstack/health');
    expect(services.deploy!.depends_on).toEqual({ localstack: { condition: 'service_healthy' } });
    expect(services.emulator!.depends_on).toEqual({
      deploy: { condition: 'service_completed_successfully' },
    });
    expect(services.dashboard!.depends_on).toEqual({
      deploy: { condition: 'service_completed_successfully' },
      emulator: { condition: 'service_started' },
    });
    expect(services.dashboard!.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:8080/');
    expect(read('docker-compose.yml')).not.toMatch(/\bsleep\b/);
  });

  it('builds every project service from the one Dockerfile', () => {
    for (const [name, service] of projectServices) {
      expect(service.build, name).toBe('.');
    }
    expect(projectServices.map(([name]) => name).sort()).toEqual(['dashboard', 'deploy', 'emulator']);
  });

  it('runs only twin commands and options that exist', async () => {
    for (const [name, service] of projectServices.filter(([, s]) => s.command?.[0] === 'node')) {
      const [, script, subcommand, ...args] = service.command!;
      expect(existsSync(join(root, script!)), `${name}: ${script}`).toBe(true);
      expect(script).toBe('bin/twin.cjs');
      const command = await commands.find((c) => c.name === subcommand)?.load();
      expect(command, `${name}: twin ${subcommand}`).toBeDefined();
      const options = Object.fromEntries(
        Object.entries(command!.options).map(([option, spec]) => [
          option,
          { type: spec.type, ...(spec.short && { short: spec.short }) },
        ]),
      );
      // As strict as the command line itself: an unknown option or a missing value throws.
      expect(() => parseArgs({ args, options, strict: true, allowPositionals: false }), name).not.toThrow();
    }
  });

  it('deploys with cdklocal: bootstrap, then deploy with the LocalStack flag and the plant’s clock', async () => {
    expect(services.deploy!.command).toEqual(['npm', 'run', 'localstack:deploy']);
    const script = packageJson.scripts['localstack:deploy']!;
    expect(script).toMatch(/^cdklocal bootstrap && cdklocal deploy /);
    expect(script).toContain('--require-approval never');
    expect(script).toContain(`--context ${CONTEXT_KEYS.localstack}=true`);
    // The emulator runs faster than the wall clock (its default speed, or --speed): the forecast's
    // "now" must follow the plant's events, not the wall clock.
    const emulator = services.emulator!.command!;
    const speed = emulator.includes('--speed') ? emulator[emulator.indexOf('--speed') + 1] : DEFAULT_SPEED;
    expect(emulator).not.toContain('--dry-run');
    expect(Number(speed)).toBeGreaterThan(1);
    expect(script).toContain(`--context ${CONTEXT_KEYS.forecastClock}=latest-event`);
    for (const binary of scriptBinaries(script)) {
      expect(existsSync(join(root, 'node_modules', '.bin', binary)), binary).toBe(true);
    }
  });

  it('sets only environment variables that the code it runs reads', () => {
    for (const [name, service] of projectServices) {
      const script = service.command?.[0] === 'npm' ? packageJson.scripts[service.command[2]!] : undefined;
      const files = [
        ...projectSources,
        ...(script ? scriptBinaries(script).flatMap((b) => sourceFiles(binaryPackage(b))) : []),
      ];
      for (const variable of Object.keys(service.environment ?? {})) {
        expect(reads(files, variable), `${name} sets ${variable}`).toBe(true);
      }
    }
    for (const variable of Object.keys(services.localstack!.environment ?? {})) {
      expect(LOCALSTACK_SETTINGS, `localstack sets ${variable}`).toHaveProperty(variable);
    }
  });

  it('removes LocalStack latency: no Kinesis delay, short event source back-offs', () => {
    const env = services.localstack!.environment!;
    expect(env.KINESIS_LATENCY).toBe('0');
    expect(Number(env.LAMBDA_EVENT_SOURCE_MAPPING_POLL_INTERVAL_SEC)).toBeLessThan(1);
    expect(Number(env.LAMBDA_EVENT_SOURCE_MAPPING_MAX_BACKOFF_ON_EMPTY_POLL_SEC)).toBeLessThanOrEqual(1);
    expect(Number(env.LAMBDA_EVENT_SOURCE_MAPPING_MAX_BACKOFF_ON_ERROR_SEC)).toBeLessThan(60);
  });

  it('puts the Lambda containers on the compose network and resolves LocalStack through its DNS', () => {
    const network = compose.networks.twin!;
    expect(services.localstack!.environment!.LAMBDA_DOCKER_NETWORK).toBe(network.name);
    const address = (services.localstack!.networks as Record<string, { ipv4_address: string }>).twin!
      .ipv4_address;
    const subnet = network.ipam.config[0]!.subnet;
    expect(subnet).toMatch(/\/24$/);
    expect(address.split('.').slice(0, 3)).toEqual(subnet.split('.').slice(0, 3));
    expect(services.deploy!.dns).toEqual([address]);
    for (const [name, service] of projectServices) expect(service.networks, name).toEqual(['twin']);
    expect(services.localstack!.environment!.LAMBDA_DOCKER_NETWORK).toBe('twin-localstack');
  });

  it('publishes LocalStack and the dashboard on this machine only', () => {
    expect(services.localstack!.ports).toEqual(['127.0.0.1:4566:4566']);
    const port = services.dashboard!.command![services.dashboard!.command!.indexOf('--port') + 1];
    expect(services.dashboard!.ports).toEqual([`127.0.0.1:${port}:${port}`]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds on the official Node.js image of the Lambda runtime’s major version', () => {
    const runtimeMajor = /^nodejs(\d+)\.x$/.exec(LAMBDA_RUNTIME.name)![1];
    const from = /^FROM\s+(\S+)/m.exec(dockerfile)![1]!;
    expect(from).toMatch(new RegExp(`^node:${runtimeMajor}(-[a-z]+(-slim)?)?$`));
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(1);
  });

  it('installs exactly the locked dependencies, without install scripts', () => {
    expect(dockerfile).toMatch(/COPY .*package\.json package-lock\.json/);
    expect(dockerfile).toContain('npm ci --ignore-scripts');
  });

  it('builds the command line’s bundle after copying the sources, as npm install does elsewhere', () => {
    const copy = dockerfile.indexOf('COPY --chown=node:node . .');
    const build = dockerfile.indexOf('RUN npm run build:cli');
    expect(copy).toBeGreaterThan(-1);
    expect(build).toBeGreaterThan(copy);
    expect(JSON.parse(read('package.json')).scripts['build:cli']).toBeDefined();
  });

  it('keeps node_modules and generated output out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'cdk.out', '.git']));
  });
});
