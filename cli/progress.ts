// Progress of a long computation on stderr: one line redrawn in place on a terminal, at most every
// 250 ms and only once the work takes longer than that, cleared at the end; nothing when stderr is
// not a terminal.
import type { Io } from './command.ts';

/** A progress callback `(done, total)` that shows `<what> done/total (seconds)`. */
export function progressLine(io: Io, what: string): (done: number, total: number) => void {
  if (!io.interactive) return () => {};
  const started = performance.now();
  let shown = started;
  return (done, total) => {
    const now = performance.now();
    if (done < total && now - shown < 250) return;
    if (done === total && shown === started) return;
    shown = now;
    // Cleared once done: the result follows on stdout.
    const line = done === total ? '' : `${what} ${done}/${total} (${((now - started) / 1000).toFixed(1)} s)`;
    io.err(`\r\x1b[K${line}`);
  };
}

/**
 * A progress callback `(done, total)` drawn as a bar, `<what> [#####.....] done/total (seconds)`, on
 * the same terms as `progressLine`: redrawn in place on a terminal, cleared at the end, nothing otherwise.
 */
export function progressBar(io: Io, what: string, width = 30): (done: number, total: number) => void {
  if (!io.interactive) return () => {};
  const started = performance.now();
  let shown = started;
  return (done, total) => {
    const now = performance.now();
    if (done < total && now - shown < 250) return;
    if (done === total && shown === started) return;
    shown = now;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const line =
      done === total ? '' : `${what} ${bar} ${done}/${total} (${((now - started) / 1000).toFixed(1)} s)`;
    io.err(`\r\x1b[K${line}`);
  };
}
