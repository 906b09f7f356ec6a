// What-if as one drags, computed in the page itself: drag an order's label up or down the order view
// to put it before (or after) another, and the page runs that variant (the order's priority raised
// above, or lowered below, the other's) on the live snapshot with the order domain and the engine,
// which run in a browser as they do in Node.js, and shows its Gantt and its difference to the live
// plant. Undo returns to the live forecast. The snapshot and the model come from GET api/snapshot,
// read when a drag begins (the drag itself leaves the time to fetch them).
import { DEFAULT_PLANT } from '../../contracts/plants.ts';
import type { LiveSnapshotAnswer } from '../../contracts/whatIf.ts';
import type { DragEngine, DraggedVariant, Live } from './dragEngine.ts';
import { type Gantt, GRID } from './gantt.ts';
import { plantUrl } from './plants.ts';

/** Drag-and-drop on the order view's labels; `show` draws a computed variant, `undo` the live forecast. */
export class DragWhatIf {
  private live: Promise<Live | undefined> | undefined;
  private liveFor: string | undefined;
  private dragging: string | undefined;
  private available = true;
  private loaded: Promise<DragEngine> | undefined;

  constructor(
    private readonly el: HTMLElement,
    private readonly gantt: Gantt,
    private readonly base: string,
    private readonly token: string | undefined,
    private readonly version: () => string | undefined,
    private readonly show: (variant: DraggedVariant | undefined, message?: string) => void,
    /** The plant whose live state the dragged variants run on. */
    private readonly plant: string = DEFAULT_PLANT,
  ) {
    el.addEventListener('pointerdown', (event) => this.start(event), { capture: true });
    el.addEventListener('pointerup', (event) => void this.drop(event), { capture: true });
    el.addEventListener('pointermove', (event) => {
      if (this.dragging === undefined) {
        el.style.cursor = event.offsetX < GRID.left && this.gantt.rowAt(event.offsetY) ? 'grab' : '';
      }
    });
  }

  /** engine.js, loaded once, on the first drag. */
  private engine(): Promise<DragEngine> {
    this.loaded ??= new Promise<DragEngine>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = new URL('engine.js', this.base).toString();
      script.onload = () => resolve((globalThis as { twinDragEngine?: DragEngine }).twinDragEngine!);
      script.onerror = () => {
        this.loaded = undefined;
        reject(new Error('the page could not load its what-if engine (engine.js)'));
      };
      document.head.append(script);
    });
    return this.loaded;
  }

  private start(event: PointerEvent): void {
    if (!this.available || event.button !== 0 || event.offsetX >= GRID.left) return;
    const row = this.gantt.rowAt(event.offsetY);
    if (!row) return;
    // The labels are ours: ECharts must not pan time under a drag that started on them.
    event.stopPropagation();
    event.preventDefault();
    this.dragging = row.orderId;
    this.el.style.cursor = 'grabbing';
    this.el.dataset.dragging = row.orderId;
    this.fetchLive();
    void this.ready();
  }

  /** The live state, once the engine has run it (see warmUp). */
  private warmed: Promise<Live | undefined> | undefined;
  private warmedFor: Promise<Live | undefined> | undefined;
  private ready(): Promise<Live | undefined> {
    if (this.warmedFor !== this.live || this.warmed === undefined) {
      const live = this.live;
      this.warmedFor = live;
      this.warmed = (async () => {
        const state = await live;
        if (state) (await this.engine()).warmUp(state);
        return state;
      })().catch(() => undefined);
    }
    return this.warmed;
  }

  /** The live snapshot and the model, once per live forecast. */
  private fetchLive(): void {
    const version = this.version();
    if (this.live && this.liveFor === version) return;
    this.liveFor = version;
    this.live = (async () => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
      const response = await fetch(plantUrl('api/snapshot', this.base, this.plant), {
        headers,
        cache: 'no-store',
      });
      const body = (await response.json().catch(() => undefined)) as
        | (LiveSnapshotAnswer & { message?: string })
        | undefined;
      if (!response.ok || !body) {
        if (response.status === 501) this.available = false;
        throw new Error(body?.message ?? `HTTP ${response.status}`);
      }
      return (await this.engine()).liveOf(body);
    })().catch((error: Error) => {
      this.live = undefined;
      this.show(undefined, `What-if cannot read the live state: ${error.message}`);
      return undefined;
    });
  }

  private async drop(event: PointerEvent): Promise<void> {
    const moved = this.dragging;
    if (moved === undefined) return;
    this.dragging = undefined;
    this.el.style.cursor = '';
    delete this.el.dataset.dragging;
    event.stopPropagation();
    const target = this.gantt.rowAt(event.offsetY);
    const from = this.gantt.rowY(moved);
    if (!target || target.orderId === moved || from === undefined) return;
    const live = await this.ready();
    if (!live) return;
    const targetState = live.snapshot.orders.find((o) => o.orderId === target.orderId);
    if (!live.snapshot.orders.some((o) => o.orderId === moved)) return;
    // Before the target: one above its priority; after it: one below.
    const priority = (targetState?.priority ?? 0) + (event.offsetY < from ? 1 : -1);
    const variant = {
      name: `${moved} priority ${priority} (${event.offsetY < from ? 'before' : 'after'} ${target.orderId})`,
      changes: [{ change: 'priority' as const, order: moved, priority }],
    };
    try {
      this.show((await this.engine()).runDragged(live, variant));
    } catch (error) {
      this.show(undefined, `What-if failed: ${(error as Error).message}`);
    }
  }
}
