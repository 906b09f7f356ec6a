// Reading a Lambda's configuration from its environment, with an error that names what is missing
// or malformed: a bad setting stops the function at its start, not at every record.

/** The value of environment variable `name`; throws naming it (and what it is for) when unset. */
export function requireEnv(name: string, what = name): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`environment variable ${name} is not set: it must give ${what}`);
  return value;
}

/** The whole number in environment variable `name` (at least `min`), or undefined when unset; throws naming it when malformed. */
export function wholeNumberEnv(name: string, min: number): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`environment variable ${name} must be a whole number of at least ${min}, got "${text}"`);
  return n;
}
