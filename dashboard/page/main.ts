// The dashboard page's entry: polls GET api/forecast of the plant in `?plant=` (ETag, so an unchanged
// forecast costs a 304), and the alerts and the overview of every plant with it (alertsPanel.ts,
// plants.ts); renders the header, the order view or the station view, the legend from the model and the
// accessible tables; warns when the forecast is stale, and keeps the last forecast on screen with a
// banner while the server or the forecast store cannot be reached.
import './styles.css';
import { AT_RISK_LATE_CHANCE, type ForecastRecord } from '../../contracts/forecastRecord.ts';
import { DEFAULT_PLANT } from '../../contracts/plants.ts';
import { AccuracyPanel } from './accuracyPanel.ts';
import { AlertsPanel } from './alertsPanel.ts';
import { swatch } from './chart.ts';
import type { DraggedVariant } from './dragEngine.ts';
import { DragWhatIf } from './dragWhatIf.ts';
import {
  escapeHtml,
  formatAge,
  formatDateTime,
  formatDuration,
  formatInterval,
  formatPercent,
  formatRunTime,
  formatSigned,
  formatTimeNear,
} from './format.ts';
import { Gantt } from './gantt.ts';
import {
  causeText,
  firstStart,
  type ModelView,
  modelView,
  type Outage,
  outageKind,
  outageText,
  parameterList,
  parseSettings,
  positionText,
  queueAt,
  type Row,
  sortOrder,
  spanColor,
  stationLanes,
  stepText,
  summarise,
  toRows,
  type View,
} from './model.ts';
import { PlantsPanel, plantOfSearch, plantUrl } from './plants.ts';
import { Replay } from './replay.ts';
import { StationChart } from './StationChart.ts';
import { WhatIfPanel } from './whatIfPanel.ts';

const TOKEN_KEY = 'twin-dashboard-token';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const settings = parseSettings(location.search);
// Keep the token for this tab, and out of the address bar (history, screenshots, shoulder surfing).
if (settings.token !== undefined) {
  sessionStorage.setItem(TOKEN_KEY, settings.token);
  const url = new URL(location.href);
  url.searchParams.delete('token');
  history.replaceState(null, '', url);
}
const token = settings.token ?? sessionStorage.getItem(TOKEN_KEY) ?? undefined;
// The plant the page shows, from its address; every panel reads that plant's data.
const plant = plantOfSearch(location.search);
const apiUrl = plantUrl('api/forecast', location.href, plant);

const app = $('app');
app.dataset.plant = plant;
if (plant !== DEFAULT_PLANT) {
  $('plant-name').hidden = false;
  text('plant-name', `· plant ${plant}`);
  document.title = `${plant} · ${document.title}`;
}
const plants = new PlantsPanel(location.href, token, plant, {
  picker: $('plant-picker'),
  select: $<HTMLSelectElement>('plant'),
  overview: $<HTMLDetailsElement>('plants'),
  summary: $('plants-summary'),
  body: $('plants-body'),
});
const alerts = new AlertsPanel(
  location.href,
  token,
  { banner: $('alert-banner'), list: $<HTMLDetailsElement>('alerts') },
  plant,
);
const whatIf = new WhatIfPanel(location.href, token, plant);
const gantt = new Gantt($('gantt'));
const stationChart = new StationChart($('stations'));
const accuracyPanel = new AccuracyPanel($<HTMLDetailsElement>('accuracy'), location.href, token, plant);
// A past forecast from history, drawn in place of the live one until "Back to live".
const replay = new Replay($('replay'), location.href, token, () => render(), plant);
new DragWhatIf(
  $('gantt'),
  gantt,
  location.href,
  token,
  () => state.etag,
  (variant, message) => {
    const started = performance.now();
    state.dragged = variant;
    if (variant) renderKeepingWindow();
    const ms = variant ? variant.computeMs + performance.now() - started : 0;
    app.dataset.dragged = variant?.name ?? '';
    app.dataset.dragMs = variant ? ms.toFixed(1) : '';
    app.dataset.dragComputeMs = variant ? variant.computeMs.toFixed(1) : '';
    text(
      'drag-text',
      variant
        ? `What-if: ${variant.name}: ${variant.summary} (computed in the page in ${Math.round(ms)} ms).`
        : (message ?? ''),
    );
    $('drag-banner').hidden = variant === undefined && message === undefined;
    $('drag-undo').hidden = variant === undefined;
  },
  plant,
);
$('drag-undo').addEventListener('click', () => {
  state.dragged = undefined;
  app.dataset.dragged = '';
  $('drag-banner').hidden = true;
  renderKeepingWindow();
});

/** Renders with the rows and time in view kept: a variant is compared with what was just on screen. */
function renderKeepingWindow(): void {
  keepWindow = true;
  try {
    render();
  } finally {
    keepWindow = false;
  }
}
gantt.onWindow = (window) => {
  app.dataset.window = window.join('-');
};
const setFollowing = (following: boolean) => $('follow').setAttribute('aria-pressed', String(following));
gantt.onFollow = setFollowing;
stationChart.onFollow = setFollowing;

interface PageState {
  /** undefined: not loaded yet; null: the server has no forecast. */
  forecast: ForecastRecord | null | undefined;
  /** The forecast's model as the page draws it (colours, names), made once per forecast. */
  view: ModelView | undefined;
  etag: string | undefined;
  rows: Row[];
  page: View;
  autoRefresh: boolean;
  lastContact: number | undefined;
  /** Set while polls fail: the page keeps showing the last forecast it had. */
  outage: Outage | undefined;
  unauthorized: boolean;
  updates: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  inFlight: boolean;
  firstRenderMs: number | undefined;
  /** A variant dragged in the order view, drawn in place of the live forecast until Undo. */
  dragged: DraggedVariant | undefined;
}

const state: PageState = {
  forecast: undefined,
  view: undefined,
  etag: undefined,
  rows: [],
  page: settings.view,
  autoRefresh: settings.autoRefresh,
  lastContact: undefined,
  outage: undefined,
  unauthorized: false,
  updates: 0,
  timer: undefined,
  inFlight: false,
  firstRenderMs: undefined,
  dragged: undefined,
};

function text(id: string, value: string): void {
  const el = $(id);
  if (el.textContent !== value) el.textContent = value;
}

/** Notes a failed poll: the outage starts with the first one and keeps that time until an answer comes. */
function failed(status: number | undefined, message?: string): void {
  const kind = outageKind(status);
  const since = state.outage?.since ?? Date.now();
  state.outage = { kind, since, message };
  if (state.forecast === undefined) render();
  else updateStatus();
}

/** Fetches the latest forecast unless the one shown is still the latest. */
async function poll(): Promise<void> {
  if (state.inFlight) return;
  state.inFlight = true;
  clearTimeout(state.timer);
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (state.etag !== undefined && state.forecast !== undefined) headers['if-none-match'] = state.etag;
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(apiUrl, { headers, cache: 'no-store' });
    } catch {
      failed(undefined);
      return;
    }
    if (response.status === 401) {
      state.unauthorized = true;
      state.outage = undefined;
      render();
      return;
    }
    if (response.status !== 304 && !response.ok) {
      const body = (await response.json().catch(() => undefined)) as { message?: string } | undefined;
      failed(response.status, body?.message ?? `HTTP ${response.status}`);
      return;
    }
    const recovered = state.outage !== undefined;
    void alerts.refresh(response.status === 200);
    void plants.refresh(response.status === 200);
    state.lastContact = Date.now();
    state.outage = undefined;
    state.unauthorized = false;
    if (response.status === 200) {
      const body = (await response.json()) as { forecast: ForecastRecord | null };
      state.forecast = body.forecast;
      state.view = body.forecast ? modelView(body.forecast) : undefined;
      state.etag = response.headers.get('etag') ?? undefined;
      state.updates++;
      replay.setLive(body.forecast?.asOf);
      // The accuracy record moves as forecasts come: asked with each new one (at most every 5 s).
      void accuracyPanel.refresh();
      render();
    } else if (recovered) {
      render();
    } else {
      updateStatus();
    }
  } catch {
    failed(undefined, 'the answer could not be read');
  } finally {
    state.inFlight = false;
    schedule();
  }
}

function schedule(): void {
  clearTimeout(state.timer);
  if (state.autoRefresh && !state.unauthorized) state.timer = setTimeout(poll, settings.pollMs);
}

/** Set while a dragged variant or Undo is drawn: the rows and time in view stay as they are. */
let keepWindow = false;

/** Renders everything from the state. */
function render(): void {
  const started = performance.now();
  const live = state.forecast;
  renderHeader();
  if (state.unauthorized) {
    app.dataset.state = 'unauthorized';
    showEmpty(
      'This dashboard needs a token',
      'Open it with ?token=<token> in the address (ask whoever runs the twin for the token).',
    );
    return;
  }
  if (live === undefined) {
    if (state.outage) {
      app.dataset.state = 'unreachable';
      showEmpty('No forecast to show', 'The forecast cannot be read right now: see above.');
    }
    return;
  }
  if (live === null) {
    app.dataset.state = 'empty';
    showEmpty(
      'No forecast yet',
      'A forecast appears here as soon as the plant sends its first order events.',
    );
    return;
  }
  const replayed = replay.forecast;
  const view = (replayed ? replay.view : state.view) ?? modelView(replayed ?? live);
  renderLegend(view);
  if (replayed) app.dataset.replaying = new Date(replayed.asOf).toISOString();
  else {
    delete app.dataset.replaying;
    whatIf.setForecast(live, view);
  }
  // A variant dragged in the order view takes the live forecast's place until Undo.
  const forecast = replayed ?? state.dragged?.forecast ?? live;
  state.rows = toRows(forecast, sortOrder($<HTMLSelectElement>('sort').value), {
    attentionOnly: $<HTMLInputElement>('attention').checked,
    text: $<HTMLInputElement>('filter').value,
  });
  if (forecast.orders.length === 0) {
    app.dataset.state = 'empty';
    showEmpty(
      'The plant is empty',
      `No active orders as of ${formatDateTime(forecast.asOf)}: nothing to forecast.`,
    );
    return;
  }
  const stations = state.page === 'stations';
  if (!stations && state.rows.length === 0) {
    app.dataset.state = 'ready';
    showEmpty('No order matches', 'Change the filter above to see orders again.');
    renderTable(forecast, view, []);
    return;
  }
  $('empty').hidden = true;
  $('orders-view').hidden = stations;
  $('stations-view').hidden = !stations;
  const tableView = $('as-table').getAttribute('aria-pressed') === 'true';
  $('gantt').hidden = stations || tableView;
  $('table-wrap').classList.toggle('offscreen', stations || !tableView);
  if (stations) {
    const drawn = stationChart.render(forecast, view);
    renderStationsTable(forecast, view);
    app.dataset.units = drawn.units.join(' ');
    app.dataset.jobs = String(drawn.jobs);
    app.dataset.rowPx = String(drawn.rowPx);
    app.dataset.chartMs = drawn.ms.toFixed(1);
    app.dataset.nowX = String(Math.round(stationChart.nowPixel() ?? -1));
    $('legend-over').hidden = !drawn.overCapacity;
    for (const kind of ['down', 'maintenance', 'off-shift'] as const) {
      $(`legend-${kind}`).hidden = !drawn.outageKinds.includes(kind);
    }
    app.dataset.outages = drawn.outageKinds.join(' ');
  } else {
    const drawn = tableView
      ? { ms: 0, rowPx: 0, window: [0, state.rows.length - 1], segments: 0 }
      : gantt.render(forecast, state.rows, view, undefined, keepWindow);
    app.dataset.window = drawn.window.join('-');
    app.dataset.rowPx = String(drawn.rowPx);
    app.dataset.chartMs = drawn.ms.toFixed(1);
    app.dataset.segments = String(drawn.segments);
    const now = gantt.nowValue();
    app.dataset.nowAt = now === undefined ? '' : new Date(now).toISOString();
    app.dataset.nowX = String(Math.round(gantt.nowPixel() ?? -1));
  }
  renderTable(forecast, view, state.rows);
  const ms = performance.now() - started;
  app.dataset.state = 'ready';
  app.dataset.rows = String(state.rows.length);
  app.dataset.renderMs = ms.toFixed(1);
  app.dataset.updates = String(state.updates);
  app.dataset.asOf = new Date(forecast.asOf).toISOString();
  if (state.firstRenderMs === undefined) {
    // After the browser has painted it: from navigation start to a chart on screen.
    requestAnimationFrame(() =>
      setTimeout(() => {
        state.firstRenderMs = performance.now();
        app.dataset.firstRenderMs = state.firstRenderMs.toFixed(0);
      }, 0),
    );
  }
}

function showEmpty(title: string, detail: string): void {
  gantt.clear();
  stationChart.clear();
  $('orders-view').hidden = true;
  $('stations-view').hidden = true;
  $('empty').hidden = false;
  text('empty-title', title);
  text('empty-text', detail);
  app.dataset.rows = '0';
  $('orders-body').innerHTML = '';
}

let legendOf: ModelView | undefined;
/** The stations' part of the legend: each station of the model with its name and colour. */
function renderLegend(view: ModelView): void {
  if (legendOf === view) return;
  legendOf = view;
  $('legend-stations').innerHTML = view.stations
    .map(
      (s) =>
        `<li data-station="${escapeHtml(s.id)}">${swatch(s.color)}${escapeHtml(s.name)}` +
        `<span class="legend-capacity">${s.capacity > 1 ? ` ×${s.capacity}` : ''}</span></li>`,
    )
    .join('');
  $('legend-material').hidden = !view.hasMaterial;
}

function renderHeader(): void {
  const forecast = state.forecast;
  const summary = forecast ? summarise(forecast, state.view) : undefined;
  const set = (id: string, value: string, nonzero?: boolean) => {
    text(id, value);
    if (nonzero !== undefined) $(id).parentElement!.dataset.nonzero = String(nonzero);
  };
  set('kpi-active', summary ? String(summary.active) : '–');
  set('kpi-late', summary ? String(summary.late) : '–', (summary?.late ?? 0) > 0);
  set('kpi-own', summary ? String(summary.ownDelay) : '–', (summary?.ownDelay ?? 0) > 0);
  set('kpi-knock', summary ? String(summary.knockOn) : '–', (summary?.knockOn ?? 0) > 0);
  // Monte Carlo forecasts only: orders on time at the means with a real chance to end late.
  const atRisk = forecast?.kpis.ordersAtRisk;
  $('kpi-risk-card').hidden = atRisk === undefined;
  text('kpi-risk-label', `at risk (≥ ${formatPercent(AT_RISK_LATE_CHANCE)} late)`);
  $('kpi-risk-card').title =
    `On time at the means, but late in ${formatPercent(AT_RISK_LATE_CHANCE)} of the Monte Carlo draws or more`;
  set('kpi-risk', atRisk === undefined ? '–' : String(atRisk), (atRisk ?? 0) > 0);
  set('kpi-makespan', forecast ? formatDuration(forecast.kpis.makespanMs) : '–');
  const busiest = summary?.busiest;
  set('kpi-busiest', busiest ? formatPercent(busiest.utilisation) : '–');
  text('kpi-busiest-label', busiest ? `busiest: ${busiest.name}` : 'busiest station');
  set('kpi-runtime', forecast ? formatRunTime(forecast.timings.simulateMs) : '–');
  text(
    'kpi-runtime-label',
    forecast
      ? `simulation run time (+ ${formatRunTime(forecast.timings.readMs)} reading)`
      : 'simulation run time',
  );
  if (summary) {
    app.dataset.late = String(summary.late);
    app.dataset.ownDelay = String(summary.ownDelay);
    app.dataset.knockOn = String(summary.knockOn);
  }
  renderModel(forecast);
  renderWarnings(forecast);
  updateClock();
  updateStatus();
}

/** The model line: its name, short hash, size, time unit and parameters. */
function renderModel(forecast: ForecastRecord | null | undefined): void {
  const line = $('model');
  const model = forecast?.model;
  line.hidden = !model;
  if (!model) return;
  const key = `${model.hash}\u0000${JSON.stringify(model.parameters)}`;
  if (line.dataset.key === key) return;
  line.dataset.key = key;
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parameters = parameterList(model);
  line.innerHTML =
    `Model <strong>${escapeHtml(model.name)}</strong> <code title="model hash ${escapeHtml(model.hash)}">${escapeHtml(model.hash.slice(0, 8))}</code>` +
    ` · ${count(model.stations?.length ?? 0, 'station')}, ${count(model.products?.length ?? 0, 'product')}` +
    ` · times in ${escapeHtml(model.timeUnit)}` +
    (parameters.length ? ` · <span class="parameters">${parameters.map(escapeHtml).join(' · ')}</span>` : '');
}

function renderWarnings(forecast: ForecastRecord | null | undefined): void {
  const warnings = forecast?.warnings ?? [];
  const box = $('warnings');
  box.hidden = warnings.length === 0;
  if (warnings.length === 0) return;
  text(
    'warnings-summary',
    `${warnings.length} assumption${warnings.length === 1 ? '' : 's'} the forecast had to make`,
  );
  $('warnings-list').innerHTML = warnings
    .slice(0, 50)
    .map((w) => `<li>${escapeHtml(w.message)}</li>`)
    .join('');
}

/** The "made … ago" line and the stale warning; runs every second. */
function updateClock(): void {
  const forecast = state.forecast;
  const made = $('made');
  if (!forecast) {
    made.textContent = forecast === null ? 'No forecast has been made yet.' : 'Loading the latest forecast…';
    $('stale').hidden = true;
    app.dataset.stale = 'false';
    return;
  }
  const age = Math.max(0, Date.now() - forecast.generatedAt);
  made.innerHTML =
    `Forecast as of <strong>${escapeHtml(formatDateTime(forecast.asOf))}</strong> · made ` +
    `<strong>${escapeHtml(formatTimeNear(forecast.generatedAt, Date.now()))}</strong> ` +
    `(<span id="age">${escapeHtml(formatAge(age))}</span>)` +
    (forecast.monteCarlo ? ` · Monte Carlo, ${forecast.monteCarlo.replications} draws` : '') +
    ` · sim-core ${escapeHtml(forecast.simCoreVersion)}`;
  const stale = age > settings.staleMs;
  const banner = $('stale');
  // During an outage the outage banner tells the forecast's age.
  banner.hidden = !stale || state.outage !== undefined;
  app.dataset.stale = String(stale);
  if (stale) {
    text(
      'stale',
      `This forecast is ${formatDuration(age)} old (older than ${formatDuration(settings.staleMs)}): ` +
        'the forecast pipeline may have stopped, or nothing has changed in the plant since.',
    );
  }
}

function updateStatus(): void {
  const status = $('status');
  const banner = $('outage');
  const outage = state.outage;
  banner.hidden = outage === undefined;
  app.dataset.outage = outage?.kind ?? '';
  if (outage !== undefined) {
    const words = outageText(outage, Date.now(), state.forecast, settings);
    text('outage-title', words.title);
    text('outage-detail', words.detail);
    $('stale').hidden = true;
  }
  const poll = formatInterval(settings.pollMs);
  let kind: string;
  let label: string;
  if (outage?.kind === 'store') [kind, label] = ['error', 'Forecast store unreachable'];
  else if (outage !== undefined) [kind, label] = ['error', 'Offline'];
  else if (state.unauthorized) [kind, label] = ['error', 'Token needed'];
  else if (!state.autoRefresh) [kind, label] = ['paused', 'Paused'];
  else if (app.dataset.stale === 'true') [kind, label] = ['stale', `Stale · checking every ${poll}`];
  else [kind, label] = ['live', `Live · checking every ${poll}`];
  status.dataset.kind = kind;
  text('status', label);
}

function renderTable(forecast: ForecastRecord, view: ModelView, rows: Row[]): void {
  const t = (ms: number | undefined) =>
    ms === undefined ? '–' : escapeHtml(formatTimeNear(ms, forecast.asOf));
  text('orders-caption', `Forecast per order as of ${formatDateTime(forecast.asOf)}: ${rows.length} orders`);
  // A Monte Carlo forecast has two columns more: the likely end and the chance to be on time.
  const monteCarlo = forecast.monteCarlo !== undefined;
  $('orders-table').dataset.monteCarlo = String(monteCarlo);
  $('legend-spread').hidden = !monteCarlo;
  $('orders-body').innerHTML = rows
    .map((row) => {
      const o = row.order;
      const lateness =
        o.latenessMs === undefined
          ? '–'
          : o.late
            ? `late ${formatSigned(o.latenessMs)}`
            : `${formatDuration(o.latenessMs)} early`;
      const steps = o.steps
        .map(
          (s) =>
            `<li data-kind="${s.kind}" data-station="${escapeHtml(s.station ?? '')}" data-actual="${s.actual}">` +
            `${swatch(spanColor(view, s), s.kind !== 'operation')}${escapeHtml(stepText(view, s))} ` +
            `${t(s.start)} – ${t(s.end)}${s.actual ? '' : ' (forecast)'}</li>`,
        )
        .join('');
      return (
        `<tr data-order-id="${escapeHtml(o.orderId)}" data-delay-cause="${o.delayCause}" data-late="${o.late}">` +
        `<th scope="row">${escapeHtml(o.orderId)}</th><td>${escapeHtml(o.product)}</td>` +
        `<td>${escapeHtml(positionText(view, o.position))}</td>` +
        `<td class="cause-${row.group}">${escapeHtml(causeText(view, o))}${o.delayMs > 0 ? ` (${formatSigned(o.delayMs)})` : ''}</td>` +
        `<td class="${o.late ? 'late' : ''}">${o.late ? 'late' : 'no'}</td>` +
        `<td>${t(firstStart(o))}</td><td>${t(o.completedAt)}</td>` +
        `<td>${t(o.plannedCompletedAt)}</td><td>${t(o.dueAt)}</td><td>${escapeHtml(lateness)}</td>` +
        `<td class="mc">${o.completedAtP10 === undefined ? '–' : `${t(o.completedAtP10)} – ${t(o.completedAtP90)}`}</td>` +
        `<td class="mc">${o.onTimeProbability === undefined ? '–' : formatPercent(o.onTimeProbability)}</td>` +
        `<td><ol class="steps">${steps}</ol></td></tr>`
      );
    })
    .join('');
}

/** The station view's table: per station its units, utilisation, what runs and waits now. */
function renderStationsTable(forecast: ForecastRecord, view: ModelView): void {
  const asOf = forecast.asOf;
  text('stations-caption', `Stations as of ${formatDateTime(asOf)}`);
  $('stations-body').innerHTML = stationLanes(forecast, view)
    .map((lane) => {
      const running = lane.units
        .flatMap((u) => u.jobs.filter((j) => j.start <= asOf && asOf < j.end).map((j) => j.orderId))
        .map(escapeHtml);
      const over = lane.units.filter((u) => u.overCapacity).length;
      return (
        `<tr data-station="${escapeHtml(lane.station.id)}"><th scope="row">${swatch(lane.station.color)}${escapeHtml(lane.station.name)}</th>` +
        `<td>${lane.station.capacity}${over > 0 ? ` <span class="late">+ ${over} over capacity</span>` : ''}</td>` +
        `<td>${lane.utilisation === undefined ? '–' : formatPercent(lane.utilisation)}</td>` +
        `<td>${running.length ? running.join(', ') : 'idle'}</td>` +
        `<td>${queueAt(lane.queue, asOf)}</td><td>${lane.maxQueue}</td></tr>`
      );
    })
    .join('');
}

/** Shows the order view or the station view, and keeps the choice in the address. */
function showView(page: View): void {
  state.page = page;
  app.dataset.view = page;
  for (const [id, name] of [
    ['tab-orders', 'orders'],
    ['tab-stations', 'stations'],
  ] as const) {
    $(id).setAttribute('aria-selected', String(page === name));
    $(id).tabIndex = page === name ? 0 : -1;
  }
  const url = new URL(location.href);
  if (page === 'stations') url.searchParams.set('view', 'stations');
  else url.searchParams.delete('view');
  history.replaceState(null, '', url);
  render();
}

// Controls.
const auto = $<HTMLInputElement>('auto');
auto.checked = state.autoRefresh;
auto.setAttribute('aria-checked', String(auto.checked));
auto.addEventListener('change', () => {
  state.autoRefresh = auto.checked;
  auto.setAttribute('aria-checked', String(auto.checked));
  updateStatus();
  if (state.autoRefresh) void poll();
  else clearTimeout(state.timer);
});
$<HTMLSelectElement>('sort').value = settings.sort;
$('refresh').addEventListener('click', () => void poll());
$('follow').addEventListener('click', () => {
  setFollowing(true);
  if (state.page === 'stations') stationChart.follow();
  else gantt.follow();
});
$('tab-orders').addEventListener('click', () => showView('orders'));
$('tab-stations').addEventListener('click', () => showView('stations'));
$('tab-orders').parentElement!.addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
  const next = state.page === 'orders' ? 'stations' : 'orders';
  showView(next);
  $(`tab-${next}`).focus();
});
for (const id of ['sort', 'attention']) $(id).addEventListener('change', () => render());
$('filter').addEventListener('input', () => render());
$('as-table').addEventListener('click', () => {
  const button = $('as-table');
  const table = button.getAttribute('aria-pressed') !== 'true';
  button.setAttribute('aria-pressed', String(table));
  button.textContent = table ? 'Chart view' : 'Table view';
  render();
});
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (state.page === 'stations') stationChart.resize();
    else gantt.resize();
  }, 100);
});
// A hidden tab does not poll; coming back fetches at once.
document.addEventListener('visibilitychange', () => {
  if (document.hidden) clearTimeout(state.timer);
  else if (state.autoRefresh) void poll();
});
setInterval(() => {
  updateClock();
  updateStatus();
  plants.tick();
}, 1000);

app.dataset.view = state.page;
showView(state.page);
void poll();
