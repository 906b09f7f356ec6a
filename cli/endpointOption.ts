// The one check of every endpoint the command line is given, by option or by environment variable:
// refused at the door with one line, rather than deep inside the AWS SDK with a stack trace.
import { CliError } from './errors.ts';

/** Whether `text` is an absolute http:// or https:// URL with a host, as the AWS SDK takes an endpoint. */
export function isEndpointUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text) || text !== text.trim()) return false;
  try {
    return new URL(text).hostname !== '';
  } catch {
    return false;
  }
}

function checked(label: string, value: string): string {
  if (!isEndpointUrl(value))
    throw new CliError(`${label} must be an http:// or https:// URL, got "${value}"`);
  return value;
}

/** The endpoint option `--<name>`, checked; undefined when it was not given. */
export function endpointOption(name: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : checked(`--${name}`, value);
}

/**
 * The endpoint in the environment variable `variable` (AWS_ENDPOINT_URL), checked and named in the
 * error; undefined when it is unset or empty (as the AWS SDK reads it).
 */
export function endpointFromEnv(variable: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[variable];
  return value === undefined || value === '' ? undefined : checked(variable, value);
}
