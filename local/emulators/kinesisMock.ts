// kinesis-mock: LocalStack's Kinesis engine, as the Node build the kinesis-local package ships.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LOCAL_REGION } from '../clients.ts';
import { probeKinesis } from './probes.ts';
import { DEFAULT_START_TIMEOUT_MS, dataSubdir, nodeEnv, startEmulator } from './startEmulator.ts';
import type { Emulator, KinesisOptions } from './types.ts';

const require = createRequire(import.meta.url);

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
    // It may ignore SIGTERM: a short grace, then SIGKILL.
    stopGraceMs: options.stopGraceMs ?? 500,
  });
}
