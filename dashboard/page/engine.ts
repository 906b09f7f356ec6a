// engine.js: the page's what-if engine (dragEngine.ts), loaded by the page on the first drag.
import { type DragEngine, liveOf, runDragged, warmUp } from './dragEngine.ts';

(globalThis as { twinDragEngine?: DragEngine }).twinDragEngine = { liveOf, runDragged, warmUp };
