// The ways a local emulator fails to start or run, under one base class that names the emulator.
import type { EmulatorName } from './types.ts';

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
