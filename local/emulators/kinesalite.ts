// kinesalite: a LevelDB-backed Kinesis emulator in Node, on disk in a data directory or in memory.
import { createRequire } from 'node:module';
import { LOCAL_REGION } from '../clients.ts';
import { probeKinesis } from './probes.ts';
import { DEFAULT_START_TIMEOUT_MS, dataSubdir, nodeEnv, startEmulator } from './startEmulator.ts';
import type { Emulator, KinesisOptions } from './types.ts';

const require = createRequire(import.meta.url);

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
