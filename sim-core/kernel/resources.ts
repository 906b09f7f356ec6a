// Shared resources with a capacity: processes request a unit, wait in the resource's queue until
// it is granted, and release it. Queues and bookkeeping are shared; each kind of resource decides
// only the order in which waiting requests are granted.
import type { Environment } from './Environment.ts';
import { SimError } from './errors.ts';
import { Event, Priority } from './events.ts';

/** A request for one unit of a resource; succeeds (with itself) when the unit is granted. */
export class Request<O = unknown> extends Event<Request<O>> {
  /** When the request was made (its place in a first-come queue), and when it was granted (NaN while waiting). */
  readonly requestedAt: number;
  grantedAt = Number.NaN;
  /** @internal set when cancelled while waiting */
  _cancelled = false;
  /** @internal tie-breaker: requests of equal rank are granted first come, first served */
  readonly _seq: number;
  /** Cache for queue rules that rank by values read from the owner (filled on first comparison). */
  sortKey: (number | string | undefined)[] | undefined = undefined;
  /** @internal holding a unit: its neighbours among the resource's holders, in the order they got theirs */
  _holding = false;
  /** The unit it holds, 1 to capacity, once its resource numbers its units (see `outOfService`); 0 before. */
  unit = 0;
  _previousHolder: Request<O> | undefined = undefined;
  _nextHolder: Request<O> | undefined = undefined;

  constructor(
    readonly resource: BaseResource<O>,
    readonly owner: O,
    readonly priority: number,
    seq: number,
    requestedAt: number,
  ) {
    super(resource.env);
    this.requestedAt = requestedAt;
    this._seq = seq;
  }

  /** @internal marks the request granted, without scheduling it */
  _grantedNow(): void {
    this._ok = true;
    this._value = this;
  }

  /** Withdraws a waiting request, or releases a granted one. */
  cancel(): void {
    if (this.triggered) this.resource.release(this);
    else this._cancelled = true;
  }
}

/** Orders waiting requests; the resource grants from its head. */
interface RequestQueue<O> {
  readonly size: number;
  push(request: Request<O>): void;
  shift(): Request<O> | undefined;
  /** Returns requests just shifted, in the order they were shifted, to their places. */
  putBack(requests: readonly Request<O>[]): void;
  toArray(): Request<O>[];
}

class FifoQueue<O> implements RequestQueue<O> {
  private items: (Request<O> | undefined)[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(request: Request<O>): void {
    this.items.push(request);
  }
  shift(): Request<O> | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  putBack(requests: readonly Request<O>[]): void {
    this.items = [...requests, ...this.items.slice(this.head)];
    this.head = 0;
  }
  toArray(): Request<O>[] {
    return this.items.slice(this.head) as Request<O>[];
  }
}

/** Compares two waiting requests: negative if `a` goes first. */
export type RequestOrder<O> = ((a: Request<O>, b: Request<O>) => number) & {
  /**
   * Optional: a number that ranks requests as the order's first criterion (ascending). Compared
   * first, it spares most calls of the order itself; the order decides ties.
   */
  rank?: (request: Request<O>) => number;
  /** Optional: the second criterion, as a number (compared when the ranks are equal). */
  rank2?: (request: Request<O>) => number;
  /** Optional: the third criterion, as a number (compared when the first two are equal). */
  rank3?: (request: Request<O>) => number;
};

/**
 * A priority queue of requests in a `RequestOrder`: a binary heap, and beside it a sorted run.
 * A request that goes after every request of the run (the common case: a first-come queue's
 * arrivals, a restored queue placed in its order) is appended to the run and leaves it from its
 * head at no cost; any other goes into the heap. The head of the queue is the first of the run's
 * head and the heap's top, by one total order (the sequence number breaks every tie), so the queue
 * grants exactly as a heap alone would, whatever the order requests join it in.
 */
class HeapQueue<O> implements RequestQueue<O> {
  // The order's numeric criteria live in a typed array beside the requests, the three of a request
  // side by side (at 3i, 3i + 1, 3i + 2): sifting a long queue compares numbers laid out in a row
  // instead of reading requests scattered over the heap, and growing the queue is one array.
  private ranks = new Float64Array(3 * 64);
  private items: (Request<O> | undefined)[] = [];
  private n = 0;
  // The sorted run: requests [runHead, runEnd), with their criteria in the same layout.
  private runRanks = new Float64Array(3 * 64);
  private runItems: (Request<O> | undefined)[] = [];
  private runHead = 0;
  private runEnd = 0;
  private readonly rank: ((request: Request<O>) => number) | undefined;
  private readonly rank2: ((request: Request<O>) => number) | undefined;
  private readonly rank3: ((request: Request<O>) => number) | undefined;
  constructor(private readonly order: RequestOrder<O>) {
    this.rank = order.rank;
    this.rank2 = order.rank2;
    this.rank3 = order.rank3;
  }
  get size(): number {
    return this.n + this.runEnd - this.runHead;
  }
  /** Whether `a` (ranked r, r2, r3) goes before `b` (ranked s, s2, s3): the order decides ties. */
  private before(
    a: Request<O>,
    r: number,
    r2: number,
    r3: number,
    b: Request<O>,
    s: number,
    s2: number,
    s3: number,
  ): boolean {
    if (r !== s) return r < s;
    if (r2 !== s2) return r2 < s2;
    if (r3 !== s3) return r3 < s3;
    const c = this.order(a, b);
    return c < 0 || (c === 0 && a._seq < b._seq);
  }
  /** `before` of the requests at heap positions i and j. */
  private beforeAt(i: number, j: number): boolean {
    const ranks = this.ranks;
    const items = this.items;
    return this.before(
      items[i]!,
      ranks[3 * i]!,
      ranks[3 * i + 1]!,
      ranks[3 * i + 2]!,
      items[j]!,
      ranks[3 * j]!,
      ranks[3 * j + 1]!,
      ranks[3 * j + 2]!,
    );
  }
  push(request: Request<O>): void {
    const r = this.rank === undefined ? 0 : this.rank(request);
    const r2 = this.rank2 === undefined ? 0 : this.rank2(request);
    const r3 = this.rank3 === undefined ? 0 : this.rank3(request);
    const tail = this.runEnd - 1;
    const runRanks = this.runRanks;
    if (
      tail < this.runHead ||
      this.before(
        this.runItems[tail]!,
        runRanks[3 * tail]!,
        runRanks[3 * tail + 1]!,
        runRanks[3 * tail + 2]!,
        request,
        r,
        r2,
        r3,
      )
    ) {
      this.append(request, r, r2, r3);
      return;
    }
    if (3 * this.n === this.ranks.length) this.ranks = doubled(this.ranks);
    const ranks = this.ranks;
    const items = this.items;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(request, r, r2, r3, items[p]!, ranks[3 * p]!, ranks[3 * p + 1]!, ranks[3 * p + 2]!)) {
        break;
      }
      ranks[3 * i] = ranks[3 * p]!;
      ranks[3 * i + 1] = ranks[3 * p + 1]!;
      ranks[3 * i + 2] = ranks[3 * p + 2]!;
      items[i] = items[p];
      i = p;
    }
    ranks[3 * i] = r;
    ranks[3 * i + 1] = r2;
    ranks[3 * i + 2] = r3;
    items[i] = request;
  }
  /** Appends to the sorted run (emptied runs start again at 0; a long-consumed head is dropped first). */
  private append(request: Request<O>, r: number, r2: number, r3: number): void {
    if (this.runHead === this.runEnd) this.runHead = this.runEnd = 0;
    if (3 * this.runEnd === this.runRanks.length) {
      const live = this.runEnd - this.runHead;
      if (this.runHead > 0 && 3 * live * 2 <= this.runRanks.length) {
        // Half or more of the run's space is consumed: slide the live part to the start.
        this.runRanks.copyWithin(0, 3 * this.runHead, 3 * this.runEnd);
        this.runItems.copyWithin(0, this.runHead, this.runEnd);
        this.runItems.length = live;
        this.runHead = 0;
        this.runEnd = live;
      } else this.runRanks = doubled(this.runRanks);
    }
    const end = this.runEnd++;
    const runRanks = this.runRanks;
    runRanks[3 * end] = r;
    runRanks[3 * end + 1] = r2;
    runRanks[3 * end + 2] = r3;
    this.runItems[end] = request;
  }
  shift(): Request<O> | undefined {
    const head = this.runHead;
    const runRanks = this.runRanks;
    const ranks = this.ranks;
    if (
      head < this.runEnd &&
      (this.n === 0 ||
        this.before(
          this.runItems[head]!,
          runRanks[3 * head]!,
          runRanks[3 * head + 1]!,
          runRanks[3 * head + 2]!,
          this.items[0]!,
          ranks[0]!,
          ranks[1]!,
          ranks[2]!,
        ))
    ) {
      const request = this.runItems[head];
      this.runItems[head] = undefined;
      this.runHead = head + 1;
      return request;
    }
    return this.shiftHeap();
  }
  private shiftHeap(): Request<O> | undefined {
    const n = this.n;
    if (n === 0) return undefined;
    const ranks = this.ranks;
    const items = this.items;
    const top = items[0];
    const last = n - 1;
    this.n = last;
    if (last > 0) {
      const request = items[last]!;
      const r = ranks[3 * last]!;
      const r2 = ranks[3 * last + 1]!;
      const r3 = ranks[3 * last + 2]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= last) break;
        if (c + 1 < last && this.beforeAt(c + 1, c)) c++;
        if (
          !this.before(items[c]!, ranks[3 * c]!, ranks[3 * c + 1]!, ranks[3 * c + 2]!, request, r, r2, r3)
        ) {
          break;
        }
        ranks[3 * i] = ranks[3 * c]!;
        ranks[3 * i + 1] = ranks[3 * c + 1]!;
        ranks[3 * i + 2] = ranks[3 * c + 2]!;
        items[i] = items[c];
        i = c;
      }
      ranks[3 * i] = r;
      ranks[3 * i + 1] = r2;
      ranks[3 * i + 2] = r3;
      items[i] = request;
    }
    items[last] = undefined;
    return top;
  }
  putBack(requests: readonly Request<O>[]): void {
    for (const r of requests) this.push(r);
  }
  toArray(): Request<O>[] {
    const all: Request<O>[] = [];
    for (let i = this.runHead; i < this.runEnd; i++) all.push(this.runItems[i]!);
    for (let i = 0; i < this.n; i++) all.push(this.items[i]!);
    const ranked = all.map((request) => ({
      request,
      r: this.rank === undefined ? 0 : this.rank(request),
      r2: this.rank2 === undefined ? 0 : this.rank2(request),
      r3: this.rank3 === undefined ? 0 : this.rank3(request),
    }));
    ranked.sort((a, b) => (this.before(a.request, a.r, a.r2, a.r3, b.request, b.r, b.r2, b.r3) ? -1 : 1));
    return ranked.map(({ request }) => request);
  }
}

/** `values` in an array twice as long. */
function doubled(values: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const next = new Float64Array(values.length * 2);
  next.set(values);
  return next;
}

/**
 * When a free unit is handed to a waiting request: `immediate` (SimPy's rule: at the moment of the
 * request or release), or `end-of-instant` (after every other event of the current instant, so
 * that requests made at the same instant compete by the queue's order, not by the order in which
 * their events happened to be scheduled).
 */
export type Dispatch = 'immediate' | 'end-of-instant';

export interface ResourceOptions {
  capacity?: number;
  dispatch?: Dispatch;
}

/**
 * Hears a holder's unit go out of service and come back (see `BaseResource.outOfService`): `down`
 * at the moment its unit went down (`at`, which a restored outage may place before now), `up` when
 * it is back. The holder keeps its unit meanwhile: what it does with the time is the listener's.
 */
export interface UnitListener<O> {
  down(holder: Request<O>, at: number): void;
  up(holder: Request<O>): void;
}

/** Capacity, users, queue and utilisation bookkeeping shared by every kind of resource. */
export abstract class BaseResource<O = unknown> {
  readonly capacity: number;
  readonly dispatch: Dispatch;
  // The requests holding a unit, in the order they got it: a list through the requests themselves
  // (no set to grow and shrink as units are taken and given back).
  private holding = 0;
  private firstHolder: Request<O> | undefined = undefined;
  private lastHolder: Request<O> | undefined = undefined;
  /** The end-of-instant dispatch event, used again once processed. */
  private tick: Event | undefined = undefined;
  private sequence = 0;
  private dispatchPending = false;
  private busyArea = 0;
  private lastChange: number;
  private readonly createdAt: number;
  // Units out of service: once the first goes down, every unit is numbered (1 to capacity), with its
  // holder and how many outages hold it down at once; `downFree` are down and held by nobody.
  private unitHolder: (Request<O> | undefined)[] | undefined = undefined;
  private unitDown: Int32Array | undefined = undefined;
  /** Units taken out for good (`retire`): free ones count in `downFree`, as units down do. */
  private unitRetired: Uint8Array | undefined = undefined;
  private downFree = 0;
  private unitsDown = 0;
  /** When a unit last came back into service (−∞ before any did). */
  private lastUpAt = Number.NEGATIVE_INFINITY;
  /** Hears holders' units go down and come back. */
  unitListener: UnitListener<O> | undefined = undefined;
  /**
   * Whether a waiting request may have a free unit now (default: every one). One refused keeps its
   * place and later ones may pass it; it is asked again at the next release, request or unit back.
   */
  admits: ((request: Request<O>) => boolean) | undefined = undefined;

  constructor(
    readonly env: Environment,
    protected readonly queue: RequestQueue<O>,
    options: ResourceOptions,
  ) {
    const capacity = options.capacity ?? 1;
    if (!(capacity >= 1) || (!Number.isInteger(capacity) && capacity !== Number.POSITIVE_INFINITY)) {
      throw new SimError(`a resource's capacity must be a whole number >= 1, got ${capacity}`);
    }
    this.capacity = capacity;
    this.dispatch = options.dispatch ?? 'immediate';
    this.lastChange = env.now;
    this.createdAt = env.now;
  }

  /** Units in use. */
  get count(): number {
    return this.holding;
  }

  /** Requests waiting, in the order they would be granted. */
  get waiting(): Request<O>[] {
    return this.queue.toArray().filter((r) => !r._cancelled);
  }

  /** Requests holding a unit. */
  get holders(): Request<O>[] {
    const holders: Request<O>[] = [];
    for (let r = this.firstHolder; r !== undefined; r = r._nextHolder) holders.push(r);
    return holders;
  }

  /**
   * Requests one unit; yield the returned event to wait until it is granted. `requestedAt`
   * (default now) restores a request that has been waiting since then.
   */
  request(owner?: O, priority = 0, requestedAt = this.env.now): Request<O> {
    const request = new Request<O>(this, owner as O, priority, this.sequence++, requestedAt);
    this.queue.push(request);
    this.dispatchNow();
    return request;
  }

  /**
   * Grants a unit to `owner` at once, even beyond capacity: for restoring work in process that
   * already holds the resource. Returns the (already triggered) request.
   */
  seize(owner?: O, since = this.env.now): Request<O> {
    const request = new Request<O>(this, owner as O, 0, this.sequence++, since);
    this.account();
    this.hold(request);
    request.grantedAt = since;
    request._grantedNow();
    request._process();
    return request;
  }

  /**
   * Takes a unit at once if one is free and nobody waits (and dispatch is immediate), without an
   * event to wait for; otherwise returns undefined and the caller requests as usual. Blocks use it
   * to pass a free resource without a round trip through the event calendar.
   */
  tryAcquire(owner: O): Request<O> | undefined {
    if (
      this.dispatch !== 'immediate' ||
      this.holding + this.downFree >= this.capacity ||
      this.queue.size > 0 ||
      this.admits !== undefined
    )
      return undefined;
    const now = this.env.now;
    const request = new Request<O>(this, owner, 0, this.sequence++, now);
    this.account();
    this.hold(request);
    request.grantedAt = now;
    request._grantedNow();
    request._process();
    return request;
  }

  /**
   * Releases the unit held by `request` at once (or withdraws it, if still waiting), and hands the
   * unit to the next waiting request. Nothing to wait for: a release never blocks.
   */
  release(request: Request<O>): void {
    if (request._holding && request.resource === this) {
      this.account();
      this.unhold(request);
    } else if (!request.triggered) {
      request._cancelled = true;
    }
    this.dispatchNow();
  }

  /** Time-weighted mean of units in use between the resource's creation and now, over capacity. */
  utilisation(): number {
    this.account();
    const span = this.env.now - this.createdAt;
    if (span <= 0) return 0;
    return this.busyArea / (span * this.capacity);
  }

  /** Time-integral of units in use since creation (unit-time). */
  busyTime(): number {
    this.account();
    return this.busyArea;
  }

  private account(): void {
    const now = this.env.now;
    this.busyArea += this.holding * (now - this.lastChange);
    this.lastChange = now;
  }

  private hold(request: Request<O>): void {
    request._holding = true;
    request._previousHolder = this.lastHolder;
    if (this.lastHolder === undefined) this.firstHolder = request;
    else this.lastHolder._nextHolder = request;
    this.lastHolder = request;
    this.holding++;
    if (this.unitHolder !== undefined) this.numberUnit(request);
  }

  private unhold(request: Request<O>): void {
    const previous = request._previousHolder;
    const next = request._nextHolder;
    if (previous === undefined) this.firstHolder = next;
    else previous._nextHolder = next;
    if (next === undefined) this.lastHolder = previous;
    else next._previousHolder = previous;
    request._holding = false;
    request._previousHolder = undefined;
    request._nextHolder = undefined;
    this.holding--;
    const unit = request.unit;
    if (unit > 0 && this.unitHolder !== undefined) {
      this.unitHolder[unit - 1] = undefined;
      if (this.unitDown![unit - 1]! > 0 || this.unitRetired![unit - 1] === 1) this.downFree++;
    }
  }

  /** Gives `request` the first unit that is free and in service (0 when none is: held beyond capacity). */
  private numberUnit(request: Request<O>): void {
    const holders = this.unitHolder!;
    const down = this.unitDown!;
    const retired = this.unitRetired!;
    for (let u = 0; u < holders.length; u++) {
      if (holders[u] === undefined && down[u] === 0 && retired[u] === 0) {
        holders[u] = request;
        request.unit = u + 1;
        return;
      }
    }
    request.unit = 0;
  }

  /**
   * Takes `unit` (1 to capacity; every unit when undefined) out of service from `from` to `to`
   * (absolute times; a `from` already past takes it down now, as having gone down then). A unit out
   * of service is granted to nobody; its holder, if any, keeps it and the `unitListener` hears it go
   * down and come back: the part stays on the machine through the repair, unlike SimPy's
   * PreemptiveResource, whose preempted user loses its unit. Overlapping outages of a unit add up:
   * it is back when the last ends. Units are numbered, in the order their holders got them, from the
   * first outage on.
   */
  outOfService(from: number, to: number, unit?: number): void {
    const now = this.env.now;
    if (!(to >= from) || !(to >= now)) {
      throw new SimError(`an outage must end at or after its start and now, got ${from} to ${to} at ${now}`);
    }
    if (unit !== undefined && !(Number.isInteger(unit) && unit >= 1 && unit <= this.capacity)) {
      throw new SimError(`a resource of capacity ${this.capacity} has no unit ${unit}`);
    }
    if (!Number.isFinite(this.capacity))
      throw new SimError('a resource of unlimited capacity has no units to take down');
    if (from <= now) this.takeDown(unit, from);
    else this.env.timeout(from - now).addCallback(() => this.takeDown(unit, from));
    this.env.timeout(to - now).addCallback(() => this.bringUp(unit));
  }

  /**
   * Takes `unit` (1 to capacity) out of the resource for good from `at` (an absolute time; one
   * already past takes it out now): a machine that leaves, an extra shift that ends. Unlike an
   * outage, the request that holds it then keeps it until it releases it, heard by nobody; from then
   * on it is granted to nobody, and it does not count as out of service.
   */
  retire(at: number, unit: number): void {
    const now = this.env.now;
    if (!(Number.isInteger(unit) && unit >= 1 && unit <= this.capacity)) {
      throw new SimError(`a resource of capacity ${this.capacity} has no unit ${unit}`);
    }
    if (at <= now) this.retireNow(unit);
    else this.env.timeout(at - now).addCallback(() => this.retireNow(unit));
  }

  private retireNow(unit: number): void {
    this.numberUnits();
    const u = unit - 1;
    if (this.unitRetired![u] === 1) return;
    this.unitRetired![u] = 1;
    if (this.unitDown![u] === 0 && this.unitHolder![u] === undefined) this.downFree++;
  }

  /** Units out of service now. */
  get outOfServiceNow(): number {
    return this.unitsDown;
  }

  /** Whether a unit was out of service at some time after `since` (up to now). */
  outOfServiceSince(since: number): boolean {
    return this.unitsDown > 0 || this.lastUpAt > since;
  }

  /** Numbers the units, once: in the order their holders got them. */
  private numberUnits(): void {
    if (this.unitHolder !== undefined) return;
    const holders: (Request<O> | undefined)[] = new Array(this.capacity).fill(undefined);
    this.unitHolder = holders;
    this.unitDown = new Int32Array(this.capacity);
    this.unitRetired = new Uint8Array(this.capacity);
    let u = 0;
    for (let r = this.firstHolder; r !== undefined; r = r._nextHolder) {
      if (u < holders.length) {
        holders[u] = r;
        r.unit = ++u;
      } else r.unit = 0;
    }
  }

  private takeDown(unit: number | undefined, at: number): void {
    this.numberUnits();
    this.account();
    const first = unit === undefined ? 0 : unit - 1;
    const last = unit === undefined ? this.capacity - 1 : unit - 1;
    for (let u = first; u <= last; u++) {
      if (this.unitDown![u]!++ > 0) continue;
      this.unitsDown++;
      const holder = this.unitHolder![u];
      // A free unit retired already counts as unavailable.
      if (holder === undefined) {
        if (this.unitRetired![u] === 0) this.downFree++;
      } else this.unitListener?.down(holder, at);
    }
  }

  private bringUp(unit: number | undefined): void {
    const first = unit === undefined ? 0 : unit - 1;
    const last = unit === undefined ? this.capacity - 1 : unit - 1;
    for (let u = first; u <= last; u++) {
      if (--this.unitDown![u]! > 0) continue;
      this.unitsDown--;
      this.lastUpAt = this.env.now;
      const holder = this.unitHolder![u];
      if (holder === undefined) {
        if (this.unitRetired![u] === 0) this.downFree--;
      } else this.unitListener?.up(holder);
    }
    this.dispatchNow();
  }

  private dispatchNow(): void {
    if (this.dispatch === 'immediate') this.grant();
    // Nothing to hand out (no free unit, or nobody waiting): a later release or request re-checks.
    else if (!this.dispatchPending && this.holding + this.downFree < this.capacity && this.queue.size > 0) {
      this.dispatchPending = true;
      // At most one dispatch is pending: once processed (its callback may be running), it serves again.
      let tick = this.tick;
      if (tick === undefined || !tick._processed) tick = this.tick = new Event(this.env);
      else tick._rearm();
      tick._callback = this.grantAtEndOfInstant;
      tick.succeed(undefined, Priority.late);
    }
  }

  private grantAtEndOfInstant = (): void => {
    this.dispatchPending = false;
    this.grant(true);
  };

  /**
   * Hands free units to waiting requests. At the end of an instant nothing else can happen at this
   * time any more, so the granted requests are processed at once rather than through the calendar.
   */
  private grant(endOfInstant = false): void {
    const admits = this.admits;
    let refused: Request<O>[] | undefined;
    while (this.holding + this.downFree < this.capacity && this.queue.size > 0) {
      const request = this.queue.shift()!;
      if (request._cancelled) continue;
      if (admits !== undefined && !admits(request)) {
        refused ??= [];
        refused.push(request);
        continue;
      }
      this.account();
      this.hold(request);
      request.grantedAt = this.env.now;
      if (endOfInstant) {
        request._grantedNow();
        request._process();
      } else request.succeed(request);
    }
    if (refused !== undefined) this.queue.putBack(refused);
  }
}

/** Grants waiting requests first come, first served. */
export class Resource<O = unknown> extends BaseResource<O> {
  constructor(env: Environment, options: ResourceOptions = {}) {
    super(env, new FifoQueue<O>(), options);
  }
}

/** Grants waiting requests by ascending `priority`, first come, first served among equals. */
export class PriorityResource<O = unknown> extends BaseResource<O> {
  constructor(env: Environment, options: ResourceOptions = {}) {
    super(env, new HeapQueue<O>((a, b) => a.priority - b.priority), options);
  }
}

/** Grants waiting requests in the order of `order` (for example by due date), then first come, first served. */
export class OrderedResource<O = unknown> extends BaseResource<O> {
  constructor(env: Environment, order: RequestOrder<O>, options: ResourceOptions = {}) {
    super(env, new HeapQueue<O>(order), options);
  }
}
