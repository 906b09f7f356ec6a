// The dashboard page's entry: polls GET api/forecast (ETag, so an unchanged forecast costs a 304),
// renders the header, the Gantt and the accessible table, and warns when the forecast is stale.
import './styles.css';
import { AT_RISK_LATE_CHANCE, type ForecastRecord } from '../../contracts/forecastRecord.ts';
import {
  escapeHtml,
  formatAge,
  formatDateTime,
  formatDuration,
  formatPercent,
  formatRunTime,
  formatSigned,
  formatTimeNear,
} from './format.ts';
import { Gantt } from './gantt.ts';
import {
  CAUSE_TEXT,
  firstOperationStart,
  materialReadyAt,
  parseSettings,
  type Row,
  type SortOrder,
  summarise,
  toRows,
} from './model.ts';

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
const apiUrl = new URL('api/forecast', location.href).toString();

const app = $('app');
const gantt = new Gantt($('gantt'));
gantt.onWindow = (window) => {
  app.dataset.window = window.join('-');
};
gantt.onFollow = (following) => $('follow').setAttribute('aria-pressed', String(following));

interface PageState {
  /** undefined: not loaded yet; null: the server has no forecast. */
  forecast: ForecastRecord | null | undefined;
  etag: string | undefined;
  rows: Row[];
  autoRefresh: boolean;
  lastContact: number | undefined;
  error: string | undefined;
  unauthorized: boolean;
  updates: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  inFlight: boolean;
  firstRenderMs: number | undefined;
}

const state: PageState = {
  forecast: undefined,
  etag: undefined,
  rows: [],
  autoRefresh: settings.autoRefresh,
  lastContact: undefined,
  error: undefined,
  unauthorized: false,
  updates: 0,
  timer: undefined,
  inFlight: false,
  firstRenderMs: undefined,
};

function text(id: string, value: string): void {
  const el = $(id);
  if (el.textContent !== value) el.textContent = value;
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
    const response = await fetch(apiUrl, { headers, cache: 'no-store' });
    if (response.status === 401) {
      state.unauthorized = true;
      state.error = undefined;
      render();
      return;
    }
    if (response.status !== 304 && !response.ok) {
      const body = (await response.json().catch(() => undefined)) as { message?: string } | undefined;
      state.error = `The server could not give the forecast: ${body?.message ?? `HTTP ${response.status}`}.`;
      updateStatus();
      return;
    }
    state.lastContact = Date.now();
    state.error = undefined;
    state.unauthorized = false;
    if (response.status === 200) {
      const body = (await response.json()) as { forecast: ForecastRecord | null };
      state.forecast = body.forecast;
      state.etag = response.headers.get('etag') ?? undefined;
      state.updates++;
      render();
    } else {
      updateStatus();
    }
  } catch {
    state.error = 'Cannot reach the dashboard server.';
    updateStatus();
  } finally {
    state.inFlight = false;
    schedule();
  }
}

function schedule(): void {
  clearTimeout(state.timer);
  if (state.autoRefresh && !state.unauthorized) state.timer = setTimeout(poll, settings.pollMs);
}

/** Renders everything from the state. */
function render(): void {
  const started = performance.now();
  const forecast = state.forecast;
  renderHeader();
  const empty = $('empty');
  const chart = $('gantt');
  if (state.unauthorized) {
    app.dataset.state = 'unauthorized';
    showEmpty(
      'This dashboard needs a token',
      'Open it with ?token=<token> in the address (ask whoever runs the twin for the token).',
    );
    return;
  }
  if (forecast === undefined) return;
  if (forecast === null) {
    app.dataset.state = 'empty';
    showEmpty(
      'No forecast yet',
      'A forecast appears here as soon as the plant sends its first order events.',
    );
    return;
  }
  state.rows = toRows(forecast, $<HTMLSelectElement>('sort').value as SortOrder, {
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
  if (state.rows.length === 0) {
    app.dataset.state = 'ready';
    showEmpty('No order matches', 'Change the filter above to see orders again.');
    renderTable(forecast, []);
    return;
  }
  empty.hidden = true;
  const tableView = $('as-table').getAttribute('aria-pressed') === 'true';
  chart.hidden = tableView;
  const drawn = tableView
    ? { ms: 0, rowPx: 0, window: [0, state.rows.length - 1] }
    : gantt.render(forecast, state.rows);
  renderTable(forecast, state.rows);
  const ms = performance.now() - started;
  app.dataset.state = 'ready';
  app.dataset.rows = String(state.rows.length);
  app.dataset.window = drawn.window.join('-');
  app.dataset.rowPx = String(drawn.rowPx);
  app.dataset.renderMs = ms.toFixed(1);
  app.dataset.chartMs = drawn.ms.toFixed(1);
  app.dataset.updates = String(state.updates);
  app.dataset.asOf = new Date(forecast.asOf).toISOString();
  const now = gantt.nowValue();
  app.dataset.nowAt = now === undefined ? '' : new Date(now).toISOString();
  app.dataset.nowX = String(Math.round(gantt.nowPixel() ?? -1));
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
  $('gantt').hidden = true;
  $('empty').hidden = false;
  text('empty-title', title);
  text('empty-text', detail);
  app.dataset.rows = '0';
  $('orders-body').innerHTML = '';
}

function renderHeader(): void {
  const forecast = state.forecast;
  const summary = forecast ? summarise(forecast) : undefined;
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
  // The busiest station's utilisation.
  const utilisation = forecast ? Math.max(0, ...(forecast.stations ?? []).map((s) => s.utilisation)) : 0;
  set('kpi-utilisation', forecast ? `${Math.round(utilisation * 100)} %` : '–');
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
  renderWarnings(forecast);
  updateClock();
  updateStatus();
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
  const parameters = forecast.model.parameters as { lines?: number; queueRule?: string };
  const model = [
    forecast.model.name,
    parameters.lines !== undefined ? `${parameters.lines} line${parameters.lines === 1 ? '' : 's'}` : '',
    parameters.queueRule ?? '',
  ]
    .filter(Boolean)
    .join(', ');
  made.innerHTML =
    `Forecast as of <strong>${escapeHtml(formatDateTime(forecast.asOf))}</strong> · made ` +
    `<strong>${escapeHtml(formatTimeNear(forecast.generatedAt, Date.now()))}</strong> ` +
    `(<span id="age">${escapeHtml(formatAge(age))}</span>) · model ${escapeHtml(model)}` +
    (forecast.monteCarlo ? ` · Monte Carlo, ${forecast.monteCarlo.replications} draws` : '') +
    ` · sim-core ${escapeHtml(forecast.simCoreVersion)}`;
  const stale = age > settings.staleMs;
  const banner = $('stale');
  banner.hidden = !stale;
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
  const errorBox = $('error');
  errorBox.hidden = state.error === undefined;
  if (state.error !== undefined) {
    const since = state.lastContact ? ` Last answer ${formatAge(Date.now() - state.lastContact)}.` : '';
    text('error', `${state.error}${since} ${state.autoRefresh ? 'Retrying.' : ''}`.trim());
  }
  const poll =
    settings.pollMs >= 1000 ? `${Math.round(settings.pollMs / 100) / 10} s` : `${settings.pollMs} ms`;
  let kind: string;
  let label: string;
  if (state.error !== undefined) [kind, label] = ['error', 'Offline'];
  else if (state.unauthorized) [kind, label] = ['error', 'Token needed'];
  else if (!state.autoRefresh) [kind, label] = ['paused', 'Paused'];
  else if (app.dataset.stale === 'true') [kind, label] = ['stale', `Stale · checking every ${poll}`];
  else [kind, label] = ['live', `Live · checking every ${poll}`];
  status.dataset.kind = kind;
  text('status', label);
}

function renderTable(forecast: ForecastRecord, rows: Row[]): void {
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
      return (
        `<tr data-order-id="${escapeHtml(o.orderId)}" data-delay-cause="${o.delayCause}" data-late="${o.late}">` +
        `<th scope="row">${escapeHtml(o.orderId)}</th><td>${escapeHtml(o.status ?? o.position.kind)}</td>` +
        `<td class="cause-${row.group}">${escapeHtml(CAUSE_TEXT[o.delayCause])}${o.delayMs > 0 ? ` (${formatSigned(o.delayMs)})` : ''}</td>` +
        `<td class="${o.late ? 'late' : ''}">${o.late ? 'late' : 'no'}</td>` +
        `<td>${t(materialReadyAt(o))}</td><td>${t(firstOperationStart(o))}</td><td>${t(o.completedAt)}</td>` +
        `<td>${t(o.plannedCompletedAt)}</td><td>${t(o.dueAt)}</td><td>${escapeHtml(lateness)}</td>` +
        `<td class="mc">${o.completedAtP10 === undefined ? '–' : `${t(o.completedAtP10)} – ${t(o.completedAtP90)}`}</td>` +
        `<td class="mc">${o.onTimeProbability === undefined ? '–' : formatPercent(o.onTimeProbability)}</td></tr>`
      );
    })
    .join('');
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
$('refresh').addEventListener('click', () => void poll());
$('follow').addEventListener('click', () => gantt.follow());
for (const id of ['sort', 'attention']) $(id).addEventListener('change', () => render());
$('filter').addEventListener('input', () => render());
$('as-table').addEventListener('click', () => {
  const button = $('as-table');
  const table = button.getAttribute('aria-pressed') !== 'true';
  button.setAttribute('aria-pressed', String(table));
  button.textContent = table ? 'Chart view' : 'Table view';
  $('table-wrap').classList.toggle('offscreen', !table);
  render();
});
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => gantt.resize(), 100);
});
// A hidden tab does not poll; coming back fetches at once.
document.addEventListener('visibilitychange', () => {
  if (document.hidden) clearTimeout(state.timer);
  else if (state.autoRefresh) void poll();
});
setInterval(() => {
  updateClock();
  updateStatus();
}, 1000);

void poll();
