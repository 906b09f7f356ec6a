// Starts one emulator as a supervised child on free ports and waits until it answers the real SDK; a port
// taken by another process between choosing it and the child's bind is retried on other ports.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { EmulatorStartError } from './errors.ts';
import { OutputTail } from './OutputTail.ts';
import { freePort, PORT_IN_USE } from './ports.ts';
import { type Launch, spawnSupervised, stopChild } from './supervisor.ts';
import type { Emulator, EmulatorName } from './types.ts';

export const DEFAULT_START_TIMEOUT_MS = 45_000;
const PROBE_INTERVAL_MS = 50;
const PORT_ATTEMPTS = 3;

/** How to run one emulator and tell that it answers. */
export interface EmulatorSpec {
  name: EmulatorName;
  /** The command line for the given ports (`ports[0]` is the one the SDK talks to). */
  launch: (ports: number[]) => Launch;
  portsNeeded: number;
  probe: (endpoint: string) => Promise<void>;
  startTimeoutMs: number;
  stopGraceMs: number;
}

/** `dataDir/name`, created if need be. */
export function dataSubdir(dataDir: string, name: string): string {
  const dir = resolve(dataDir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Node children run plain JavaScript: no loaders inherited from a tsx or vitest parent. */
export function nodeEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _ignored, ...rest } = env ?? process.env;
  return rest;
}

async function startOnce(spec: EmulatorSpec, ports: number[]): Promise<Emulator> {
  const port = ports[0]!;
  const endpoint = `http://127.0.0.1:${port}`;
  const launch = spec.launch(ports);
  const startedAt = performance.now();
  const child = spawnSupervised(launch);
  const stderr = new OutputTail();
  const stdout = new OutputTail();
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  const output = () => stderr.toString() || stdout.toString() || '(none)';

  let exited: string | undefined;
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const ended = new Promise<string>((resolveEnded) => {
    child.once('exit', (code, signal) => {
      exited = signal ? `exited on ${signal}` : `exited with code ${code}`;
      resolveEnded(exited);
    });
  });

  const deadline = startedAt + spec.startTimeoutMs;
  let lastProbeError = 'no answer';
  for (;;) {
    if (spawnError) {
      throw new EmulatorStartError(
        spec.name,
        port,
        `cannot run ${launch.command}: ${spawnError.message}`,
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
    exited: ended,
    async restart() {
      await ended;
      return startOnce(spec, ports);
    },
  };
}

/** Starts the emulator `spec` describes; resolves once it answers. */
export async function startEmulator(spec: EmulatorSpec): Promise<Emulator> {
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
