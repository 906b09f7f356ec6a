// Reading a Lambda's configuration from its environment, with an error that names what is missing.

/** The value of environment variable `name`; throws naming it (and what it is for) when unset. */
export function requireEnv(name: string, what = name): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`environment variable ${name} is not set: it must give ${what}`);
  return value;
}
