// The event calendar: a min-heap keyed (time, priority, sequence), so that simultaneous events of
// equal priority run first-in-first-out and every run is reproducible.

/**
 * Four-ary heap of items keyed by (time, key): half the levels of a binary heap, with a node's
 * children side by side in memory (a long calendar's pops are cheaper). `key` packs (priority,
 * sequence) into one number, so a comparison is two float compares. Keys and times live in typed
 * arrays: the hot loop stays monomorphic whatever kind of item is queued.
 */
export class EventQueue<T> {
  private times = new Float64Array(1024);
  private keys = new Float64Array(1024);
  private items: (T | undefined)[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the earliest item, or Infinity when empty. */
  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.times[0]!;
  }

  /** Key of the earliest item (only when there is one). */
  peekKey(): number {
    return this.keys[0]!;
  }

  push(time: number, key: number, item: T): void {
    if (this.n === this.times.length) this.grow();
    const times = this.times;
    const keys = this.keys;
    const items = this.items;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent]!;
      if (pt < time || (pt === time && keys[parent]! < key)) break;
      times[i] = pt;
      keys[i] = keys[parent]!;
      items[i] = items[parent];
      i = parent;
    }
    times[i] = time;
    keys[i] = key;
    items[i] = item;
  }

  /** Removes and returns the earliest item; its time is `lastTime` afterwards. */
  pop(): T | undefined {
    const n = this.n;
    if (n === 0) return undefined;
    const times = this.times;
    const keys = this.keys;
    const items = this.items;
    const top = items[0];
    this.lastTime = times[0]!;
    const last = n - 1;
    this.n = last;
    if (last > 0) {
      const time = times[last]!;
      const key = keys[last]!;
      const item = items[last];
      let i = 0;
      for (;;) {
        const first = 4 * i + 1;
        if (first >= last) break;
        // The earliest of its (up to four) children.
        let child = first;
        let ct = times[first]!;
        let ck = keys[first]!;
        const end = Math.min(first + 4, last);
        for (let c = first + 1; c < end; c++) {
          const t = times[c]!;
          if (t < ct || (t === ct && keys[c]! < ck)) {
            child = c;
            ct = t;
            ck = keys[c]!;
          }
        }
        if (time < ct || (time === ct && key < ck)) break;
        times[i] = ct;
        keys[i] = ck;
        items[i] = items[child];
        i = child;
      }
      times[i] = time;
      keys[i] = key;
      items[i] = item;
    }
    items[last] = undefined;
    return top;
  }

  /** Time of the item that the last `pop` returned. */
  lastTime = 0;

  private grow(): void {
    const size = this.times.length * 2;
    const times = new Float64Array(size);
    times.set(this.times);
    const keys = new Float64Array(size);
    keys.set(this.keys);
    this.times = times;
    this.keys = keys;
  }
}
