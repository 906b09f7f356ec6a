// Replay: a time slider over the forecast history (GET api/history, the last day before the live
// forecast) that draws a past forecast (GET api/history/<asOf>) in place of the live one, so that a
// planner sees when the twin first saw a late order coming and how its forecast moved. Above the
// slider, a strip of the late orders in each forecast; "Back to live" returns to the live forecast.

import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import { DEFAULT_PLANT } from '../../contracts/plants.ts';
import { escapeHtml, formatDateTime } from './format.ts';
import { type ModelView, modelView } from './model.ts';
import { plantUrl } from './plants.ts';

interface HistoryItem {
  asOf: number;
  generatedAt: number;
  ordersLate?: number;
  ordersAtRisk?: number;
  activeOrders?: number;
}

/** How far back the slider reaches from the live forecast (plant time). */
const REPLAY_SPAN_MS = 24 * 3_600_000;
/** Pages of history read at most (1,000 forecasts each). */
const MAX_PAGES = 20;
/** Wait after the slider last moved before the forecast is fetched. */
const SETTLE_MS = 120;
/** Past forecasts kept in the page. */
const CACHED = 50;

export class Replay {
  /** The past forecast drawn in place of the live one, and its view; undefined: live. */
  forecast: ForecastRecord | undefined;
  view: ModelView | undefined;
  private items: HistoryItem[] = [];
  private liveAsOf: number | undefined;
  private readonly cache = new Map<number, Promise<ForecastRecord | undefined>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private selected = -1;
  private readonly open: HTMLButtonElement;
  private readonly bar: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly text: HTMLElement;
  private readonly strip: HTMLElement;
  private readonly firstLate: HTMLButtonElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly base: string,
    private readonly token: string | undefined,
    /** Called when the forecast to draw changes (a past one, or back to live). */
    private readonly onChange: () => void,
    /** The plant whose forecast history to replay. */
    private readonly plant: string = DEFAULT_PLANT,
  ) {
    root.innerHTML =
      '<button id="replay-open" type="button" aria-expanded="false" aria-controls="replay-bar">Replay history…</button>' +
      '<div id="replay-bar" class="replay-bar" hidden>' +
      '<div id="replay-strip" class="replay-strip" aria-hidden="true"></div>' +
      '<input id="replay-slider" type="range" min="0" max="0" step="1" value="0" aria-label="Forecast of history to show" />' +
      '<span id="replay-text" class="replay-text" role="status" aria-live="polite"></span>' +
      '<button id="replay-first-late" type="button" hidden>First forecast with a late order</button>' +
      '<button id="replay-live" type="button">Back to live</button>' +
      '</div>';
    const $ = <T extends HTMLElement>(id: string) => root.querySelector<T>(`#${id}`)!;
    this.open = $('replay-open');
    this.bar = $('replay-bar');
    this.slider = $('replay-slider');
    this.text = $('replay-text');
    this.strip = $('replay-strip');
    this.firstLate = $('replay-first-late');
    root.dataset.state = 'closed';
    this.open.addEventListener('click', () => void this.start());
    this.slider.addEventListener('input', () => this.select(Number(this.slider.value)));
    $('replay-live').addEventListener('click', () => this.stop());
    this.firstLate.addEventListener('click', () => {
      const i = this.items.findIndex((f) => (f.ordersLate ?? 0) > 0);
      if (i >= 0) {
        this.slider.value = String(i);
        this.select(i, true);
      }
    });
  }

  /** The live forecast's time: the slider reaches back a day from it. */
  setLive(asOf: number | undefined): void {
    this.liveAsOf = asOf;
  }

  private headers(): Record<string, string> {
    return {
      accept: 'application/json',
      ...(this.token !== undefined && { authorization: `Bearer ${this.token}` }),
    };
  }

  /** Lists the history and shows the slider at the latest forecast. */
  async start(): Promise<void> {
    this.root.dataset.state = 'loading';
    this.open.setAttribute('aria-expanded', 'true');
    this.bar.hidden = false;
    this.text.textContent = 'Reading the forecast history…';
    const to = this.liveAsOf ?? Date.now();
    const items: HistoryItem[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = new URLSearchParams({
          from: String(Math.max(0, to - REPLAY_SPAN_MS)),
          to: String(to),
          limit: '1000',
          ...(cursor !== undefined && { cursor }),
        });
        const response = await fetch(plantUrl(`api/history?${query}`, this.base, this.plant), {
          headers: this.headers(),
          cache: 'no-store',
        });
        if (!response.ok) {
          const body = (await response.json().catch(() => ({}))) as { message?: string };
          throw new Error(body.message ?? `HTTP ${response.status}`);
        }
        const body = (await response.json()) as { forecasts: HistoryItem[]; next?: string };
        items.push(...body.forecasts);
        cursor = body.next;
        if (cursor === undefined) break;
      }
    } catch (error) {
      this.root.dataset.state = 'failed';
      this.text.textContent = `The forecast history cannot be read: ${(error as Error).message}`;
      return;
    }
    this.items = items;
    this.root.dataset.count = String(items.length);
    if (items.length === 0) {
      this.root.dataset.state = 'empty';
      this.text.textContent = 'No forecast in history yet.';
      return;
    }
    this.root.dataset.state = 'open';
    this.slider.max = String(items.length - 1);
    this.slider.value = String(items.length - 1);
    this.drawStrip();
    const first = items.findIndex((f) => (f.ordersLate ?? 0) > 0);
    this.firstLate.hidden = first < 0;
    this.select(items.length - 1, true);
  }

  /** Back to the live forecast. */
  stop(): void {
    clearTimeout(this.timer);
    this.bar.hidden = true;
    this.open.setAttribute('aria-expanded', 'false');
    this.root.dataset.state = 'closed';
    delete this.root.dataset.asOf;
    this.selected = -1;
    const was = this.forecast !== undefined;
    this.forecast = undefined;
    this.view = undefined;
    if (was) this.onChange();
  }

  private drawStrip(): void {
    const n = this.items.length;
    const max = Math.max(1, ...this.items.map((f) => f.ordersLate ?? 0));
    const columns = this.items
      .map((f, i) => {
        const late = f.ordersLate ?? 0;
        if (late === 0) return '';
        const h = Math.max(2, (24 * late) / max);
        return `<rect x="${((i / n) * 1000).toFixed(1)}" y="${(24 - h).toFixed(1)}" width="${Math.max(1, 1000 / n).toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(`${formatDateTime(f.asOf)}: ${late} late`)}</title></rect>`;
      })
      .join('');
    this.strip.innerHTML = `<svg viewBox="0 0 1000 24" preserveAspectRatio="none" width="100%" height="24">${columns}</svg>`;
  }

  private label(item: HistoryItem, i: number): string {
    const late = item.ordersLate === undefined ? '' : ` · ${item.ordersLate} late`;
    return `Forecast ${i + 1} of ${this.items.length}, made at ${formatDateTime(item.asOf)}${late}`;
  }

  /** Shows forecast `i` of the list once the slider has settled (`now`: at once). */
  private select(i: number, now = false): void {
    const item = this.items[i];
    if (item === undefined) return;
    this.selected = i;
    this.text.textContent = `${this.label(item, i)} (loading…)`;
    clearTimeout(this.timer);
    const load = async () => {
      let record = this.cache.get(item.asOf);
      if (record === undefined) {
        record = this.fetchForecast(item.asOf);
        this.cache.set(item.asOf, record);
        if (this.cache.size > CACHED) this.cache.delete(this.cache.keys().next().value!);
      }
      const forecast = await record.catch(() => undefined);
      // The slider moved on, or replay stopped, meanwhile.
      if (this.selected !== i) return;
      if (forecast === undefined) {
        this.cache.delete(item.asOf);
        this.text.textContent = `${this.label(item, i)}: no longer kept`;
        return;
      }
      this.forecast = forecast;
      this.view = modelView(forecast);
      this.root.dataset.state = 'replaying';
      this.root.dataset.asOf = new Date(forecast.asOf).toISOString();
      this.text.textContent = this.label(item, i);
      this.onChange();
    };
    if (now) void load();
    else this.timer = setTimeout(() => void load(), SETTLE_MS);
  }

  private async fetchForecast(asOf: number): Promise<ForecastRecord | undefined> {
    const response = await fetch(plantUrl(`api/history/${asOf}`, this.base, this.plant), {
      headers: this.headers(),
      cache: 'no-store',
    });
    if (!response.ok) return undefined;
    return ((await response.json()) as { forecast: ForecastRecord }).forecast;
  }
}
