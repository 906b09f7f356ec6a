// Vitest helper: runs the local emulators for one test file (or describe block), provisioned under a unique prefix.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { resourceNames } from '../../contracts/resources.ts';
import { type AwsClients, createClients, destroyClients } from '../../local/clients.ts';
import { type KinesisEngine, type RunningEmulators, startEmulators } from '../../local/emulators/index.ts';
import { type Provisioned, provision, type ResourceNames } from '../../local/provision.ts';

/** What a test sees of the running emulators; read it inside tests, not while collecting them. */
export interface EmulatorContext {
  readonly clients: AwsClients;
  readonly names: ResourceNames;
  readonly provisioned: Provisioned;
  readonly running: RunningEmulators;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** Starts DynamoDB Local and `kinesis` before the tests, provisions them, and always stops them afterwards. */
export function useEmulators(kinesis: KinesisEngine, options: { prefix?: string } = {}): EmulatorContext {
  let running: RunningEmulators | undefined;
  let clients: AwsClients | undefined;
  let provisioned: Provisioned | undefined;
  const names = resourceNames(options.prefix ?? `test-${randomUUID().slice(0, 8)}-`);

  beforeAll(async () => {
    running = await startEmulators({ kinesis });
    clients = createClients(running.endpoints);
    provisioned = await provision(clients, names);
  }, START_TIMEOUT_MS);

  // Runs even when beforeAll or a test failed: no emulator outlives its test file.
  afterAll(async () => {
    if (clients) destroyClients(clients);
    await running?.stop();
  }, STOP_TIMEOUT_MS);

  const ready = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error(`useEmulators(${kinesis}): the emulators are not running (see beforeAll)`);
    return value;
  };
  return {
    get clients() {
      return ready(clients);
    },
    names,
    get provisioned() {
      return ready(provisioned);
    },
    get running() {
      return ready(running);
    },
  };
}
