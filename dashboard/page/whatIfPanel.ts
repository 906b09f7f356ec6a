// The what-if panel: composes a variant from the live forecast (expedite an order's material, change
// its priority, add a unit to a station, change a station's queue rule), runs it on the live state
// through POST api/whatif, and shows the ranked table and the chosen variant's Gantt beside the
// baseline's. The twin's recommendations (carried by the forecast, else asked of POST
// api/recommend) are each one click away from their Gantt.

import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import { DEFAULT_PLANT } from '../../contracts/plants.ts';
import type {
  Change,
  QueueRule,
  RecommendAnswer,
  RecommendationItem,
  WhatIfAnswer,
} from '../../contracts/whatIf.ts';
import { escapeHtml, formatRunTime } from './format.ts';
import { Gantt } from './gantt.ts';
import { type ModelView, modelView, timeExtent, toRows } from './model.ts';
import { plantUrl } from './plants.ts';
import {
  changeText,
  chosenVariant,
  QUEUE_RULE_TEXT,
  rankedRows,
  recommendationsOf,
  toLocalInput,
  variantName,
} from './whatIfModel.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** From the first start to the last end of a forecast's orders, and its "now". */
function workWindow(forecast: ForecastRecord): [number, number] {
  let min = forecast.asOf;
  let max = forecast.asOf;
  for (const order of forecast.orders) {
    for (const step of order.steps) {
      min = Math.min(min, step.start);
      max = Math.max(max, step.end);
    }
  }
  return [min, max];
}

/** The window that holds every one of `windows`. */
function union(windows: [number, number][]): [number, number] {
  return [Math.min(...windows.map((w) => w[0])), Math.max(...windows.map((w) => w[1]))];
}

/** `window` with a small margin on each side. */
function margined([min, max]: [number, number]): [number, number] {
  const margin = Math.max((max - min) * 0.03, 60_000);
  return [min - margin, max + margin];
}

/** A variant to run: its name and changes. */
interface Proposal {
  name: string;
  changes: Change[];
}

/** The panel; `setForecast` with each new live forecast keeps its choices current. */
export class WhatIfPanel {
  private forecast: ForecastRecord | undefined;
  private view: ModelView | undefined;
  private changes: Change[] = [];
  private answer: WhatIfAnswer | undefined;
  private chosen: string | undefined;
  private asked: RecommendationItem[] | undefined;
  private readonly panel = $('whatif');
  private baseGantt: Gantt | undefined;
  private variantGantt: Gantt | undefined;

  constructor(
    private readonly base: string,
    private readonly token: string | undefined,
    /** The plant whose live state the what-if runs on. */
    private readonly plant: string = DEFAULT_PLANT,
  ) {
    $('whatif-toggle').addEventListener('click', () => this.toggle());
    $('wi-kind').addEventListener('change', () => this.showFields());
    $('wi-order').addEventListener('change', () => this.fillOrder());
    $('wi-add').addEventListener('click', () => {
      const change = this.composed();
      if (change) this.addChange(change);
    });
    $('wi-clear').addEventListener('click', () => {
      this.changes = [];
      this.renderChanges();
    });
    $('whatif-form').addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.changes.length === 0) {
        const change = this.composed();
        if (!change) return;
        this.addChange(change);
      }
      const name =
        $<HTMLInputElement>('wi-name').value.trim() || variantName(this.changes, this.view, this.asOf());
      void this.run({ name, changes: [...this.changes] });
    });
    $('wi-ask').addEventListener('click', () => void this.ask());
    $('wi-recommendations').addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-index]');
      const item = button ? this.recommendations()[Number(button.dataset.index)] : undefined;
      if (item) void this.run({ name: item.name, changes: item.changes });
    });
    $('wi-body').addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLTableRowElement>('tr[data-name]');
      if (row && row.dataset.verdict !== 'baseline') this.choose(row.dataset.name!);
    });
    const rules = $<HTMLSelectElement>('wi-rule');
    rules.innerHTML = Object.entries(QUEUE_RULE_TEXT)
      .map(([rule, text]) => `<option value="${rule}">${escapeHtml(`${rule}: ${text}`)}</option>`)
      .join('');
    this.showFields();
  }

  /** Takes the live forecast: the orders and stations to compose from, and its recommendations. */
  setForecast(forecast: ForecastRecord, view: ModelView): void {
    const first = this.forecast === undefined;
    this.forecast = forecast;
    this.view = view;
    const order = $<HTMLSelectElement>('wi-order');
    const pickedOrder = order.value;
    order.innerHTML = forecast.orders
      .map(
        (o) =>
          `<option value="${escapeHtml(o.orderId)}">${escapeHtml(o.orderId)}${o.late ? ' (late)' : ''}</option>`,
      )
      .join('');
    if (forecast.orders.some((o) => o.orderId === pickedOrder)) order.value = pickedOrder;
    const station = $<HTMLSelectElement>('wi-station');
    const pickedStation = station.value;
    station.innerHTML = view.stations
      .map((s) => `<option value="${escapeHtml(s.id)}">${escapeHtml(s.name)}</option>`)
      .join('');
    if (view.byId.has(pickedStation)) station.value = pickedStation;
    if (first || order.value !== pickedOrder) this.fillOrder();
    this.renderRecommendations();
  }

  private asOf(): number {
    return this.forecast?.asOf ?? Date.now();
  }

  private toggle(): void {
    const open = this.panel.hidden;
    this.panel.hidden = !open;
    $('whatif-toggle').setAttribute('aria-expanded', String(open));
    if (open) {
      this.renderGantts();
      this.panel.scrollIntoView({ block: 'start' });
    }
  }

  /** Shows the fields that the chosen kind of change needs. */
  private showFields(): void {
    const kind = $<HTMLSelectElement>('wi-kind').value;
    for (const label of this.panel.querySelectorAll<HTMLElement>('[data-for]')) {
      label.hidden = !label.dataset.for!.split(' ').includes(kind);
    }
  }

  /** Prefills the ETA and priority with the picked order's own. */
  private fillOrder(): void {
    const order = this.forecast?.orders.find((o) => o.orderId === $<HTMLSelectElement>('wi-order').value);
    if (!order) return;
    // The first ETA is the natural thing to expedite back to (not before now).
    const eta = order.initialEta ?? order.eta ?? this.asOf();
    $<HTMLInputElement>('wi-eta').value = toLocalInput(Math.max(this.asOf(), eta));
  }

  /** The change the form describes, or undefined (with the reason shown) when it is incomplete. */
  private composed(): Change | undefined {
    const kind = $<HTMLSelectElement>('wi-kind').value;
    const order = $<HTMLSelectElement>('wi-order').value;
    const station = $<HTMLSelectElement>('wi-station').value;
    const number = (id: string) => Number($<HTMLInputElement>(id).value);
    if ((kind === 'expedite' || kind === 'priority') && !order) return this.refuse('pick an order');
    if ((kind === 'units' || kind === 'queue-rule') && !station) return this.refuse('pick a station');
    switch (kind) {
      case 'expedite': {
        const eta = Date.parse($<HTMLInputElement>('wi-eta').value);
        if (Number.isNaN(eta)) return this.refuse('give the new ETA');
        return { change: 'expedite', order, eta: new Date(eta).toISOString() };
      }
      case 'priority': {
        const priority = number('wi-priority');
        if (!Number.isInteger(priority)) return this.refuse('the priority must be a whole number');
        return { change: 'priority', order, priority };
      }
      case 'units': {
        const add = number('wi-units');
        if (!Number.isInteger(add) || add === 0) return this.refuse('units: a whole number other than 0');
        return { change: 'units', station, add };
      }
      case 'queue-rule':
        return { change: 'queue-rule', station, rule: $<HTMLSelectElement>('wi-rule').value as QueueRule };
      default:
        return this.refuse(`unknown change ${kind}`);
    }
  }

  private refuse(message: string): undefined {
    this.status('error', message);
    return undefined;
  }

  private addChange(change: Change): void {
    // A later change of the same thing replaces the earlier one.
    const key = (c: Change) =>
      `${c.change}:${'order' in c ? c.order : ''}:${'station' in c ? c.station : ''}`;
    this.changes = [...this.changes.filter((c) => key(c) !== key(change)), change];
    this.renderChanges();
  }

  private renderChanges(): void {
    $('wi-changes').innerHTML = this.changes
      .map((c) => `<li>${escapeHtml(changeText(c, this.view, this.asOf()))}</li>`)
      .join('');
    $<HTMLInputElement>('wi-name').placeholder =
      this.changes.length > 0 ? variantName(this.changes, this.view, this.asOf()) : '(from its changes)';
  }

  private status(state: 'idle' | 'running' | 'ready' | 'error', message: string): void {
    this.panel.dataset.state = state;
    const el = $('wi-status');
    el.textContent = message;
    el.classList.toggle('wi-error', state === 'error');
  }

  private async post<T>(path: string, body: unknown): Promise<T | undefined> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(plantUrl(path, this.base, this.plant), {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
    } catch {
      this.status('error', "the dashboard's server does not answer");
      return undefined;
    }
    const json = (await response.json().catch(() => undefined)) as (T & { message?: string }) | undefined;
    if (!response.ok) {
      this.status('error', json?.message ?? `HTTP ${response.status}`);
      return undefined;
    }
    return json;
  }

  /** Runs `proposal` beside the live plant and shows it. */
  private async run(proposal: Proposal): Promise<void> {
    this.status('running', `Running “${proposal.name}” on the live plant…`);
    const replications = Number($<HTMLInputElement>('wi-replications').value) || 0;
    const answer = await this.post<WhatIfAnswer>('api/whatif', { variants: [proposal], replications });
    if (!answer) return;
    this.answer = answer;
    this.chosen = chosenVariant(answer.variants, proposal.name);
    const draws = answer.replications > 0 ? `${answer.replications} draws each, ` : 'at the means, ';
    this.status(
      'ready',
      `Ran on the live plant as of ${new Date(answer.asOf).toLocaleTimeString()}: ${draws}` +
        `${formatRunTime(answer.timings.simulateMs)} simulating.`,
    );
    this.renderResult();
  }

  private choose(name: string): void {
    this.chosen = name;
    this.renderResult();
  }

  private renderResult(): void {
    const answer = this.answer;
    $('wi-result').hidden = answer === undefined;
    if (!answer) return;
    $('wi-body').innerHTML = rankedRows(answer.variants)
      .map(
        (r) =>
          `<tr data-name="${escapeHtml(r.name)}" data-rank="${r.rank}" data-verdict="${r.verdict}"` +
          ` aria-selected="${r.name === this.chosen}">` +
          `<td>${r.rank}</td><th scope="row">${escapeHtml(r.name)}</th>` +
          `<td class="verdict verdict-${r.verdict}">${escapeHtml(r.verdictText)}</td>` +
          `<td>${r.late}</td><td>${r.lateness}</td><td>${r.makespan}</td>` +
          [r.lateDiff, r.latenessDiff, r.makespanDiff]
            .map(
              (d) =>
                `<td class="diff">${escapeHtml(d.mean)}` +
                `${d.ci ? ` <span class="ci" title="95 % interval">${escapeHtml(d.ci)}</span>` : ''}</td>`,
            )
            .join('') +
          '</tr>',
      )
      .join('');
    this.panel.dataset.chosen = this.chosen ?? '';
    $('wi-variant-caption').textContent = this.chosen ? `Variant: ${this.chosen}` : 'Variant';
    this.renderGantts();
  }

  /** Draws the baseline's and the chosen variant's forecasts, once the panel is on screen. */
  private renderGantts(): void {
    const answer = this.answer;
    if (!answer || this.panel.hidden) return;
    const variant = this.chosen === undefined ? undefined : answer.forecasts[this.chosen];
    const shown = [answer.forecasts.baseline, variant].filter((f) => f !== undefined);
    // One time axis for both, so that a bar that moves is seen to move.
    const extent = shown.length === 2 ? union(shown.map(timeExtent)) : undefined;
    const draw = (gantt: Gantt, forecast: ForecastRecord | undefined) => {
      if (!forecast) return gantt.clear();
      gantt.render(forecast, toRows(forecast, 'first'), modelView(forecast), extent);
    };
    this.baseGantt ??= new Gantt($('wi-gantt-base'));
    this.variantGantt ??= new Gantt($('wi-gantt-variant'));
    draw(this.baseGantt, answer.forecasts.baseline);
    draw(this.variantGantt, variant);
    if (shown.length === 2) {
      const [min, max] = margined(union(shown.map(workWindow)));
      this.baseGantt.showTime(min, max);
      this.variantGantt.showTime(min, max);
      this.panel.dataset.timeWindow = [this.baseGantt.timeWindow(), this.variantGantt.timeWindow()]
        .map((w) => w?.map((t) => new Date(t).toISOString()).join('/'))
        .join(' ');
    }
    this.panel.dataset.gantts = [
      answer.forecasts.baseline ? 'baseline' : '',
      this.chosen && answer.forecasts[this.chosen] ? 'variant' : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  /** The forecast's recommendations, else those asked of the twin. */
  private recommendations(): RecommendationItem[] {
    return recommendationsOf(this.forecast) ?? this.asked ?? [];
  }

  private async ask(): Promise<void> {
    this.status('running', 'Asking the twin for its recommendations…');
    const answer = await this.post<RecommendAnswer>('api/recommend', {});
    if (!answer) return;
    this.asked = answer.recommendations;
    this.status(
      'idle',
      answer.recommendations.length === 0
        ? `None of the ${answer.proposed} variants the twin tried does better than the live plant.`
        : `The twin tried ${answer.proposed} variants; these do better.`,
    );
    this.renderRecommendations();
  }

  private renderRecommendations(): void {
    const carried = recommendationsOf(this.forecast) !== undefined;
    const items = this.recommendations();
    $('wi-ask').hidden = carried;
    $('wi-recommendations').innerHTML =
      items.length === 0
        ? `<li class="muted">${carried || this.asked ? 'Nothing the twin tried does better.' : 'Ask the twin what it would do.'}</li>`
        : items
            .map(
              (r, i) =>
                `<li><button type="button" data-index="${i}" title="Run it beside the live plant">Show</button> ` +
                `${escapeHtml(r.text)}</li>`,
            )
            .join('');
  }
}
