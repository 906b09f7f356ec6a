// What every local emulator is and takes: its name, the running process it stands for, and the options they share.

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
  /** Resolves once its process has exited, however (stopped, killed, crashed): how it ended. */
  readonly exited: Promise<string>;
  /**
   * Starts it again, once it has exited, on the same port(s) with the same data; resolves when it
   * answers. Clients pointed at its endpoint reach the new process.
   */
  restart(): Promise<Emulator>;
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

/** Options of either Kinesis emulator. */
export interface KinesisOptions extends CommonOptions {
  /** How long a stream stays CREATING / DELETING / UPDATING, ms (AWS takes seconds; tests want it short). */
  transitionMs?: number;
  /** Shards allowed per account. */
  shardLimit?: number;
}
