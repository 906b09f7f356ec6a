// Checks of option values that name the option, the value and what is allowed, in one line: numbers
// within a range, durations, AWS resource names, a file to write, a data directory.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_PLANT, isPlantId, MAX_EMULATED_PLANTS, PLANT_ID_RULE } from '../contracts/plants.ts';
import { parseDuration } from '../emulator/duration.ts';
import { intOption } from './command.ts';
import { CliError } from './errors.ts';

/** The longest duration an option takes: ten years, well inside the dates JavaScript can show. */
export const MAX_DURATION_MS = 3_650 * 86_400_000;
export const MAX_DURATION = '3650d';

/** The slowest plant clock: a plant minute in about 17 wall-clock hours; slower is no plant to watch. */
export const MIN_SPEED = 0.001;

/** Where a number option may lie: from `min` (or above `above`) to `max`, whole or not. */
export interface NumberRange {
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  max?: number;
  whole?: boolean;
}

/** A bound as an error shows it: 65535 as typed, 1e15 rather than fifteen zeros. */
const bound = (n: number) => (n >= 1e9 ? n.toExponential().replace('e+', 'e') : String(n));

/** "a whole number from 0 to 65535", "a number above 0", …: what a range allows, in words. */
export function describeRange(range: NumberRange): string {
  const kind = range.whole ? 'a whole number' : 'a number';
  if (range.min !== undefined && range.max !== undefined)
    return `${kind} from ${bound(range.min)} to ${bound(range.max)}`;
  const low =
    range.above !== undefined
      ? `above ${bound(range.above)}`
      : range.min !== undefined
        ? `>= ${bound(range.min)}`
        : '';
  const high = range.max !== undefined ? `at most ${bound(range.max)}` : '';
  return [kind, [low, high].filter(Boolean).join(' and ')].filter(Boolean).join(' ');
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** A decimal number as people type it (digits, `_` between them, an exponent); undefined if it is not one. */
function parseNumber(text: string): number | undefined {
  const plain = text.trim().replaceAll('_', '');
  if (!NUMBER.test(plain)) return undefined;
  const n = Number(plain);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The number option `--<name>` within `range`; undefined when not given. `alternative` names a word
 * the caller accepts besides numbers (`max`), for the message.
 */
export function rangedNumberOption(
  name: string,
  value: string | undefined,
  range: NumberRange,
  alternative?: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = parseNumber(value);
  const fits =
    n !== undefined &&
    (!range.whole || Number.isInteger(n)) &&
    (range.min === undefined || n >= range.min) &&
    (range.above === undefined || n > range.above) &&
    (range.max === undefined || n <= range.max);
  if (!fits) {
    const or = alternative === undefined ? '' : ` (or ${alternative})`;
    throw new CliError(`--${name} must be ${describeRange(range)}${or}, got "${value}"`);
  }
  return n;
}

/** A TCP port to listen on: 0 (any free port) to 65535. */
export function portOption(name: string, value: string): number {
  return rangedNumberOption(name, value, { min: 0, max: 65_535, whole: true })!;
}

/** A duration option (90s, 45m, 8h, 1h30m; plain minutes) above 0 and at most ten years, in ms. */
export function durationOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || !(ms > 0) || ms > MAX_DURATION_MS)
    throw new CliError(
      `--${name} must be a duration above 0 and at most ${MAX_DURATION}, such as 90s, 45m, 8h or 1h30m, got "${value}"`,
    );
  return ms;
}

/** A comma-separated list of durations (`15m,1h`), each as `durationOption` takes it, in ms. */
export function durationListOption(name: string, value: string): number[] {
  return value.split(',').map((part) => {
    const ms = parseDuration(part);
    if (ms === undefined || !(ms > 0) || ms > MAX_DURATION_MS)
      throw new CliError(
        `--${name} must be durations above 0 and at most ${MAX_DURATION}, comma-separated, such as 15m,1h,1h30m; "${part.trim()}" is not one`,
      );
    return ms;
  });
}

/** The characters AWS allows in table and stream names (and so in a prefix of them). */
const AWS_NAME = /^[A-Za-z0-9_.-]*$/;

/** An AWS resource name (`what`: "table name", "stream name", "name prefix") of `min` to `max` characters. */
export function awsNameOption(
  name: string,
  value: string,
  what: string,
  { min, max }: { min: number; max: number },
): string {
  if (!AWS_NAME.test(value) || value.length < min || value.length > max)
    throw new CliError(
      `--${name} must be a ${what} of ${min} to ${max} letters, digits, "_", "." or "-", got "${value}"`,
    );
  return value;
}

/** What is at `path`; undefined when nothing is (or a file stands where a folder on the way should be). */
function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** A file to write: it is not a directory, and its directory exists. */
export function outputFileOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const allowed = `--${name} must be a file to write in an existing directory, got "${value}"`;
  if (value === '') throw new CliError(allowed);
  if (statOf(value)?.isDirectory()) throw new CliError(`${allowed}, a directory`);
  const folder = dirname(resolve(value));
  const parent = statOf(folder);
  if (parent === undefined) throw new CliError(`${allowed}: ${folder} does not exist`);
  if (!parent.isDirectory()) throw new CliError(`${allowed}: ${folder} is not a directory`);
  return value;
}

/** A directory, or a path where one can be made: nothing on the way to it is a file. */
export function dataDirOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const allowed = `--${name} must be a directory (or where to make one), got "${value}"`;
  if (value === '') throw new CliError(allowed);
  for (let path = resolve(value); ; path = dirname(path)) {
    const stat = statOf(path);
    if (stat?.isDirectory()) return value;
    if (stat !== undefined) {
      throw new CliError(`${allowed}: ${path === resolve(value) ? 'it is a file' : `${path} is a file`}`);
    }
    if (dirname(path) === path) return value;
  }
}

/** Checks `--plant`: a plant's id (absent: the default plant). */
export function plantOption(value: string | undefined): string {
  const plantId = value ?? DEFAULT_PLANT;
  if (!isPlantId(plantId)) throw new CliError(`--plant ${PLANT_ID_RULE}, got "${value}"`);
  return plantId;
}

/** Parses `--plants`: how many plants the emulator runs side by side. */
export function plantsOption(value: string | undefined): number | undefined {
  const plants = intOption('plants', value, 1);
  if (plants !== undefined && plants > MAX_EMULATED_PLANTS)
    throw new CliError(`--plants must be at most ${MAX_EMULATED_PLANTS}, got "${value}"`);
  return plants;
}
