// Runs the `twin` command line in process, capturing what it prints.
import { main } from '../../cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `twin ...argv` in this process. */
export async function twin(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += text;
    },
    interactive: false,
  });
  return { code, stdout, stderr };
}
