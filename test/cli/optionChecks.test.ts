// The shared checks of option values: endpoints, addresses to listen on, numbers in a range, durations,
// AWS names, files and directories. Each names the option, the value and what is allowed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinNegativeValues } from '../../cli/command.ts';
import { emulateCommand } from '../../cli/commands/emulate.ts';
import { endpointFromEnv, endpointOption } from '../../cli/endpointOption.ts';
import { hostOption, isOwnAddress } from '../../cli/hostOption.ts';
import {
  awsNameOption,
  dataDirOption,
  durationListOption,
  durationOption,
  outputFileOption,
  portOption,
  rangedNumberOption,
} from '../../cli/optionChecks.ts';

describe('endpointOption', () => {
  it('takes an absolute http or https URL', () => {
    expect(endpointOption('endpoint', 'http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000');
    expect(endpointOption('endpoint', 'https://dynamodb.eu-west-1.amazonaws.com')).toBe(
      'https://dynamodb.eu-west-1.amazonaws.com',
    );
    expect(endpointOption('endpoint', 'http://[::1]:4566/')).toBe('http://[::1]:4566/');
    expect(endpointOption('endpoint', undefined)).toBeUndefined();
  });

  it.each(['notaurl', 'localhost:8000', 'ftp://127.0.0.1', 'http://', 'http:/x', ' http://x', ''])(
    'refuses "%s", naming the option',
    (value) => {
      expect(() => endpointOption('kinesis-endpoint', value)).toThrow(
        `--kinesis-endpoint must be an http:// or https:// URL, got "${value}"`,
      );
    },
  );

  it('reads an environment variable as the SDK does (empty: unset), naming the variable', () => {
    expect(endpointFromEnv('AWS_ENDPOINT_URL', {})).toBeUndefined();
    expect(endpointFromEnv('AWS_ENDPOINT_URL', { AWS_ENDPOINT_URL: '' })).toBeUndefined();
    expect(endpointFromEnv('AWS_ENDPOINT_URL', { AWS_ENDPOINT_URL: 'http://localhost:4566' })).toBe(
      'http://localhost:4566',
    );
    expect(() => endpointFromEnv('AWS_ENDPOINT_URL', { AWS_ENDPOINT_URL: 'localstack' })).toThrow(
      'AWS_ENDPOINT_URL must be an http:// or https:// URL, got "localstack"',
    );
  });
});

describe('hostOption', () => {
  const interfaceAddress = Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && !i.internal)?.address;

  it('takes loopback, the wildcards and the addresses of this machine', async () => {
    for (const host of [
      '127.0.0.1',
      'localhost',
      '0.0.0.0',
      '::',
      '::1',
      ...(interfaceAddress ? [interfaceAddress] : []),
    ])
      await expect(hostOption('host', host)).resolves.toBe(host);
    expect(isOwnAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isOwnAddress('0:0:0:0:0:0:0:1')).toBe(true);
  });

  it('refuses an address of another machine, a name that does not resolve, and nothing', async () => {
    await expect(hostOption('host', '203.0.113.7')).rejects.toThrow(
      /^--host "203\.0\.113\.7" is not an address of this machine: this machine has 127\.0\.0\.1, /,
    );
    await expect(hostOption('host', 'no-such-host.invalid')).rejects.toThrow(
      /^--host "no-such-host\.invalid" does not resolve \(\w+\): /,
    );
    await expect(hostOption('host', '')).rejects.toThrow(
      /^--host must be an address to listen on, .*got ""$/,
    );
    expect(isOwnAddress('203.0.113.7')).toBe(false);
  });
});

describe('rangedNumberOption and portOption', () => {
  it('reads numbers as people type them, within the range', () => {
    expect(portOption('port', '8080')).toBe(8080);
    expect(portOption('port', '0')).toBe(0);
    expect(rangedNumberOption('rate', '1_000', { min: 1, max: 100_000 })).toBe(1000);
    expect(rangedNumberOption('replications', '1e3', { min: 1, max: 100_000, whole: true })).toBe(1000);
    expect(rangedNumberOption('speed', '0.5', { above: 0 })).toBe(0.5);
    expect(rangedNumberOption('speed', undefined, { above: 0 })).toBeUndefined();
  });

  it.each([
    ['70000', 'a whole number from 0 to 65535'],
    ['-1', 'a whole number from 0 to 65535'],
    ['80.5', 'a whole number from 0 to 65535'],
    ['', 'a whole number from 0 to 65535'],
    ['0x50', 'a whole number from 0 to 65535'],
    ['Infinity', 'a whole number from 0 to 65535'],
  ])('refuses port "%s": it must be %s', (value, allowed) => {
    expect(() => portOption('port', value)).toThrow(`--port must be ${allowed}, got "${value}"`);
  });

  it('says what the range allows, and the word the caller also takes', () => {
    expect(() => rangedNumberOption('speed', '0', { above: 0 }, 'max')).toThrow(
      '--speed must be a number above 0 (or max), got "0"',
    );
    expect(() => rangedNumberOption('speed', '1e400', { min: 0.001 })).toThrow(
      '--speed must be a number >= 0.001, got "1e400"',
    );
    expect(() => rangedNumberOption('n', '7', { above: 0, max: 5 })).toThrow(
      '--n must be a number above 0 and at most 5, got "7"',
    );
  });
});

describe('durationOption and durationListOption', () => {
  it('reads durations above 0 and at most ten years, in ms', () => {
    expect(durationOption('duration', '90s')).toBe(90_000);
    expect(durationOption('duration', '1h30m')).toBe(5_400_000);
    expect(durationOption('since', '3650d')).toBe(3_650 * 86_400_000);
    expect(durationListOption('horizons', '15m,1h')).toEqual([900_000, 3_600_000]);
  });

  it.each(['0', '0s', 'soon', '', '3651d', `${'9'.repeat(400)}h`])('refuses "%s"', (value) => {
    expect(() => durationOption('duration', value)).toThrow(
      `--duration must be a duration above 0 and at most 3650d, such as 90s, 45m, 8h or 1h30m, got "${value}"`,
    );
  });

  it('names the one duration of a list that is not one', () => {
    expect(() => durationListOption('horizons', '15m,,1h')).toThrow(/; "" is not one$/);
    expect(() => durationListOption('horizons', '15m,0')).toThrow(/; "0" is not one$/);
  });
});

describe('awsNameOption', () => {
  it('takes the names AWS takes, and refuses others', () => {
    expect(awsNameOption('table', 'my-forecasts_2.v1', 'table name', { min: 3, max: 255 })).toBe(
      'my-forecasts_2.v1',
    );
    expect(awsNameOption('name-prefix', '', 'name prefix', { min: 0, max: 200 })).toBe('');
    for (const bad of ['x', 'a b', 'a/b', 'é-table', 'x'.repeat(256)])
      expect(() => awsNameOption('table', bad, 'table name', { min: 3, max: 255 })).toThrow(
        `--table must be a table name of 3 to 255 letters, digits, "_", "." or "-", got "${bad}"`,
      );
  });
});

describe('outputFileOption and dataDirOption', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twin-option-checks-'));
  const file = join(dir, 'plain.txt');
  writeFileSync(file, 'x');

  it('takes a file to write in an existing directory, and refuses a directory or a missing one', () => {
    expect(outputFileOption('truth', join(dir, 'truth.jsonl'))).toBe(join(dir, 'truth.jsonl'));
    expect(outputFileOption('truth', file)).toBe(file);
    expect(() => outputFileOption('truth', dir)).toThrow(`got "${dir}", a directory`);
    expect(() => outputFileOption('truth', join(dir, 'no', 'truth.jsonl'))).toThrow(
      `--truth must be a file to write in an existing directory, got "${join(dir, 'no', 'truth.jsonl')}": ${join(dir, 'no')} does not exist`,
    );
    expect(() => outputFileOption('truth', join(file, 'truth.jsonl'))).toThrow(`${file} is not a directory`);
  });

  it('takes a directory or where one can be made, and refuses a file on the way', () => {
    expect(dataDirOption('data-dir', dir)).toBe(dir);
    expect(dataDirOption('data-dir', join(dir, 'new', 'deeper'))).toBe(join(dir, 'new', 'deeper'));
    expect(() => dataDirOption('data-dir', file)).toThrow(
      `--data-dir must be a directory (or where to make one), got "${file}": it is a file`,
    );
    expect(() => dataDirOption('data-dir', join(file, 'sub'))).toThrow(`: ${file} is a file`);
    expect(() => dataDirOption('data-dir', '')).toThrow('got ""');
  });
});

describe('joinNegativeValues', () => {
  it("joins a negative number to the string option before it, so that the option's check sees it", () => {
    expect(joinNegativeValues(emulateCommand, ['--speed', '-1', '--rate', '-.5', '--dry-run'])).toEqual([
      '--speed=-1',
      '--rate=-.5',
      '--dry-run',
    ]);
  });

  it('leaves options, boolean flags and what follows -- alone', () => {
    expect(joinNegativeValues(emulateCommand, ['--dry-run', '-1'])).toEqual(['--dry-run', '-1']);
    expect(joinNegativeValues(emulateCommand, ['--speed', '--rate', '5'])).toEqual([
      '--speed',
      '--rate',
      '5',
    ]);
    expect(joinNegativeValues(emulateCommand, ['--', '--speed', '-1'])).toEqual(['--', '--speed', '-1']);
  });
});
