// Child processes that must never outlive this one: spawned in a process group of their own, killed when
// this process exits or is signalled, and stopped gracefully (SIGTERM, then SIGKILL after a grace period).
import { type ChildProcess, spawn } from 'node:child_process';
import { findExecutable } from './executables.ts';

const liveChildren = new Set<ChildProcess>();
const exitSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let exitHookInstalled = false;

// On Linux, setpriv makes the kernel SIGKILL the child when we die, even by SIGKILL (no 'exit' hook runs then).
const setpriv = process.platform === 'linux' ? findExecutable('setpriv') : undefined;

function killAllNow(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}

function onExitSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (and will stop us, or exit, which the 'exit' hook covers): leave it to them.
  if (process.listenerCount(signal) > 1) return;
  killAllNow();
  for (const s of exitSignals) process.removeListener(s, onExitSignal);
  process.kill(process.pid, signal);
}

function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    process.on('exit', killAllNow);
    exitHookInstalled = true;
  }
  if (liveChildren.size === 0) for (const s of exitSignals) process.on(s, onExitSignal);
  liveChildren.add(child);
  child.once('exit', () => untrack(child));
  // A child that never started has no 'exit' to wait for.
  child.once('error', () => {
    if (child.pid === undefined) untrack(child);
  });
}

function untrack(child: ChildProcess): void {
  if (liveChildren.delete(child) && liveChildren.size === 0) {
    for (const s of exitSignals) process.removeListener(s, onExitSignal);
  }
}

/** What to run, where, and with which environment. */
export interface Launch {
  command: string;
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
}

/** Spawns a child (stdout and stderr piped) that dies with this process. */
export function spawnSupervised({ command, args, cwd, env }: Launch): ChildProcess {
  const child = spawn(setpriv ?? command, setpriv ? ['--pdeathsig', 'KILL', '--', command, ...args] : args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: Ctrl-C in a terminal signals the whole foreground group, and the
    // emulators must outlive the pipeline's last batch; this process stops them itself.
    detached: process.platform !== 'win32',
  });
  track(child);
  return child;
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves once it has exited. */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}
