// The local AWS emulators (DynamoDB Local, kinesalite, kinesis-mock) as child processes on free ports that
// answer the real SDK before they are handed out; no child outlives the process that started it.
export { type DynamoDbLocalOptions, dynamoDbLocalJar, startDynamoDbLocal } from './dynamoDbLocal.ts';
export { EmulatorError, EmulatorStartError, JavaMissingError } from './errors.ts';
export { findExecutable } from './executables.ts';
export { keepRunning, type RestartEvent } from './keepRunning.ts';
export { startKinesalite } from './kinesalite.ts';
export { startKinesisMock } from './kinesisMock.ts';
export { freePort } from './ports.ts';
export { type EmulatorsOptions, type RunningEmulators, startEmulators } from './startEmulators.ts';
export {
  type CommonOptions,
  type Emulator,
  type EmulatorName,
  type KinesisEngine,
  KinesisEngines,
  type KinesisOptions,
} from './types.ts';
