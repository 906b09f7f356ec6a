// Finds the programs the emulators run on (Java, setpriv) before spawning them, so a missing one gets a clear error.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** Finds an executable the way spawn() would: a path as is, a bare name on `env.PATH`. */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const extensions = process.platform === 'win32' ? ['', '.exe', '.cmd'] : [''];
  const isExecutable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const candidates =
    isAbsolute(command) || command.includes('/') || command.includes('\\')
      ? [resolve(command)]
      : (env.PATH ?? env.Path ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    for (const extension of extensions) {
      if (isExecutable(candidate + extension)) return candidate + extension;
    }
  }
  return undefined;
}
