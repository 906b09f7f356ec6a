// The check of an address to listen on (`twin dashboard --host`): it must resolve, and to an address of
// this machine, so that a typo is one line at the door instead of a failed listen after the build.
import { lookup } from 'node:dns/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { CliError } from './errors.ts';

/** How long a name may take to resolve before it counts as one that does not. */
const LOOKUP_TIMEOUT_MS = 5_000;

/** An IP address in one spelling: no zone (`%eth0`), IPv6 compressed, IPv4-mapped IPv6 as IPv4. */
function canonical(address: string): string {
  const bare = address.replace(/%.*$/, '');
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return bare;
  const ipv6 = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ipv6);
  if (mapped === null) return ipv6;
  const [hi, lo] = [Number.parseInt(mapped[1]!, 16), Number.parseInt(mapped[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Every address this machine has: its interfaces' (loopback among them). */
function ownAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => canonical(i.address)));
}

/** Whether a server can listen on `address` here: a wildcard, a loopback address, or an interface's. */
export function isOwnAddress(address: string): boolean {
  const ip = canonical(address);
  return (
    ip === '0.0.0.0' || ip === '::' || ip === '::1' || ip.startsWith('127.') || ownAddresses().includes(ip)
  );
}

async function resolveWithin(host: string, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'timed out' })), ms);
    timer.unref();
  });
  try {
    return (await Promise.race([lookup(host), timeout])).address;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks the address option `--<name>`: it resolves (as `server.listen` resolves it, one address) to
 * an address of this machine. Returns the host as given.
 */
export async function hostOption(name: string, host: string): Promise<string> {
  const usable =
    'such as 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or an address of this machine';
  if (host.trim() === '') throw new CliError(`--${name} must be an address to listen on, ${usable}, got ""`);
  let address: string;
  try {
    address = await resolveWithin(host, LOOKUP_TIMEOUT_MS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CliError(
      `--${name} "${host}" does not resolve (${code}): give an address to listen on, ${usable}`,
    );
  }
  if (!isOwnAddress(address)) {
    const resolved = canonical(address) === canonical(host) ? '' : ` (it resolves to ${address})`;
    throw new CliError(
      `--${name} "${host}" is not an address of this machine${resolved}: this machine has ${[...new Set(ownAddresses())].join(', ')}, and 0.0.0.0 or :: for every interface`,
    );
  }
  return host;
}
