// The accuracy panel: the rolling accuracy record's figures from GET api/accuracy. Its summary line
// is always on screen (the data latency, the error a quarter of an hour ahead, drift); opened, it
// shows the error by horizon as bars, the P10–P90 coverage against its 70–90 % band, and the trend
// hour by hour over the last day. Charts are small inline SVGs: nothing to load.

import type { AccuracyFigures, AccuracySummary } from '../../contracts/accuracyRecord.ts';
import { DEFAULT_PLANT } from '../../contracts/plants.ts';
import {
  escapeHtml,
  formatDuration,
  formatPercent,
  formatRunTime,
  formatSigned,
  formatTime,
} from './format.ts';
import { plantUrl } from './plants.ts';

/** The horizon the summary line names, when the record has it (else its first with comparisons). */
const HEADLINE_HORIZON_MS = 15 * 60_000;
/** Asked again at most this often (each new forecast asks). */
const REFRESH_MS = 5_000;

const horizonText = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`);
const mapeText = (f: AccuracyFigures) => (f.mape === undefined ? '–' : formatPercent(f.mape));

/** Bars of one value per label, scaled to the largest; a value left out shows as "–". */
function bars(
  rows: { label: string; value: number | undefined; text: string; warn?: boolean }[],
  unit: string,
): string {
  // Room for the longest value text beside the longest bar.
  const width = 480;
  const labelW = 64;
  const rowH = 22;
  const max = Math.max(1e-9, ...rows.map((r) => r.value ?? 0));
  const body = rows
    .map((r, i) => {
      const y = i * rowH;
      const w = r.value === undefined ? 0 : Math.max(1, ((width - labelW - 240) * r.value) / max);
      return (
        `<text x="0" y="${y + 15}" class="acc-label">${escapeHtml(r.label)}</text>` +
        `<rect x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="14" rx="2" class="acc-bar${r.warn ? ' acc-warn' : ''}"><title>${escapeHtml(`${r.label}: ${r.text}`)}</title></rect>` +
        `<text x="${labelW + w + 6}" y="${y + 15}" class="acc-value">${escapeHtml(r.text)}</text>`
      );
    })
    .join('');
  return `<svg class="acc-chart" role="img" aria-label="${escapeHtml(unit)}" viewBox="0 0 ${width} ${rows.length * rowH}" width="${width}" height="${rows.length * rowH}">${body}</svg>`;
}

/** The hourly trend of one horizon's MAPE: a column per hour, the threshold as a line. */
function trend(summary: AccuracySummary, horizonMs: number, threshold = 0.08): string {
  const hours = summary.trend.map((b) => ({
    start: b.start,
    figures: b.horizons.find((h) => h.horizonMs === horizonMs)?.steps,
  }));
  if (hours.length === 0) return '<p class="acc-none">No finished steps in the last day yet.</p>';
  const width = 24 * 14;
  const height = 60;
  const max = Math.max(threshold * 1.5, ...hours.map((h) => h.figures?.mape ?? 0));
  const columns = hours
    .map((h, i) => {
      const mape = h.figures?.mape;
      if (mape === undefined) return '';
      const bh = Math.max(1, (height * mape) / max);
      const x = width - (hours.length - i) * 14;
      const tip = `${formatTime(h.start)}: ${formatPercent(mape)} off over ${h.figures!.comparisons} steps`;
      return `<rect x="${x}" y="${(height - bh).toFixed(1)}" width="11" height="${bh.toFixed(1)}" class="acc-bar${mape > threshold ? ' acc-warn' : ''}"><title>${escapeHtml(tip)}</title></rect>`;
    })
    .join('');
  const y = height - (height * threshold) / max;
  return (
    `<svg class="acc-chart acc-trend" role="img" aria-label="Error ${horizonText(horizonMs)} ahead, hour by hour" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `${columns}<line x1="0" x2="${width}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="acc-threshold"><title>drift threshold ${formatPercent(threshold)}</title></line></svg>`
  );
}

export class AccuracyPanel {
  private readonly url: string;
  private lastAsked = 0;
  private inFlight = false;
  /** The last answer (null: the twin keeps no record yet). */
  summary: AccuracySummary | null | undefined;

  constructor(
    private readonly root: HTMLDetailsElement,
    base: string,
    private readonly token: string | undefined,
    plant: string = DEFAULT_PLANT,
  ) {
    this.url = plantUrl('api/accuracy', base, plant);
    root.addEventListener('toggle', () => {
      if (root.open) void this.refresh(true);
    });
  }

  /** Asks for the figures again, unless it did less than REFRESH_MS ago (`force`: ask anyway). */
  async refresh(force = false): Promise<void> {
    const now = Date.now();
    if (this.inFlight || (!force && now - this.lastAsked < REFRESH_MS)) return;
    this.inFlight = true;
    this.lastAsked = now;
    try {
      const response = await fetch(this.url, {
        headers: {
          accept: 'application/json',
          ...(this.token !== undefined && { authorization: `Bearer ${this.token}` }),
        },
        cache: 'no-store',
      });
      // No token (the forecast's polling says so): the panel stays out of the way.
      if (!response.ok) {
        this.root.hidden = true;
        return;
      }
      const body = (await response.json()) as { accuracy: AccuracySummary | null; kept?: boolean };
      // A dashboard without access to the record: no panel.
      if (body.kept === false) {
        this.root.hidden = true;
        return;
      }
      this.summary = body.accuracy;
      this.render();
    } catch {
      // The forecast's own polling reports an unreachable server; the panel keeps its last figures.
    } finally {
      this.inFlight = false;
    }
  }

  private render(): void {
    const root = this.root;
    root.hidden = false;
    const summary = this.summary;
    const line = root.querySelector<HTMLElement>('.acc-summary-text')!;
    const body = root.querySelector<HTMLElement>('.acc-body')!;
    if (!summary) {
      root.dataset.state = 'empty';
      line.textContent = 'Accuracy: no finished step compared with a forecast yet';
      body.innerHTML = '';
      return;
    }
    const headline =
      summary.horizons.find((h) => h.horizonMs === HEADLINE_HORIZON_MS && h.steps.comparisons > 0) ??
      summary.horizons.find((h) => h.steps.comparisons > 0);
    const drifting = summary.horizons.filter((h) => h.drift.mape || h.drift.coverage);
    const latency =
      summary.latency.p50Ms === undefined
        ? 'data latency –'
        : `data latency ${formatRunTime(summary.latency.p50Ms)} (p95 ${formatRunTime(summary.latency.p95Ms!)})`;
    const error = headline
      ? `${horizonText(headline.horizonMs)} ahead: ${mapeText(headline.steps)} off (bias ${formatSigned(headline.steps.biasMs!)})`
      : 'no step compared yet';
    line.textContent = `Accuracy · ${error} · ${latency}${drifting.length > 0 ? ' · DRIFT' : ''}`;
    root.dataset.state = drifting.length > 0 ? 'drift' : 'ok';
    root.dataset.latencyP50 = summary.latency.p50Ms === undefined ? '' : String(summary.latency.p50Ms);
    root.dataset.horizons = String(summary.horizons.length);

    const withSteps = summary.horizons.filter((h) => h.steps.comparisons > 0);
    const errorBars = bars(
      summary.horizons.map((h) => ({
        label: horizonText(h.horizonMs),
        value: h.steps.meanAbsErrorMs,
        text:
          h.steps.meanAbsErrorMs === undefined
            ? '–'
            : `${formatDuration(h.steps.meanAbsErrorMs)} · ${mapeText(h.steps)} · bias ${formatSigned(h.steps.biasMs!)}`,
        warn: h.drift.mape,
      })),
      'Mean absolute error of the step ends, by horizon',
    );
    const spread = summary.horizons.filter((h) => h.completions.spreadComparisons > 0);
    const coverage =
      spread.length === 0
        ? '<p class="acc-none">P10–P90 coverage: no Monte Carlo forecast compared yet.</p>'
        : bars(
            spread.map((h) => ({
              label: horizonText(h.horizonMs),
              value: h.completions.coverage,
              text: `${formatPercent(h.completions.coverage!)} of ${h.completions.spreadComparisons} inside P10–P90`,
              warn: h.drift.coverage,
            })),
            'Share of completions inside P10–P90, by horizon (expected 70–90 %)',
          );
    const trendHorizon = headline?.horizonMs ?? summary.horizons[0]?.horizonMs;
    const table = summary.horizons
      .map(
        (h) =>
          `<tr data-horizon="${h.horizonMs}"><th scope="row">${horizonText(h.horizonMs)}</th><td>${h.steps.comparisons}</td>` +
          `<td>${h.steps.biasMs === undefined ? '–' : formatSigned(h.steps.biasMs)}</td>` +
          `<td>${h.steps.meanAbsErrorMs === undefined ? '–' : formatDuration(h.steps.meanAbsErrorMs)}</td>` +
          `<td>${mapeText(h.steps)}</td>` +
          `<td>${h.recent.mape === undefined ? '–' : formatPercent(h.recent.mape)}</td>` +
          `<td>${h.completions.coverage === undefined ? '–' : formatPercent(h.completions.coverage)}</td>` +
          `<td>${h.drift.mape || h.drift.coverage ? `<strong class="acc-drift">drift${h.drift.mape ? ' (error)' : ''}${h.drift.coverage ? ' (spread)' : ''}</strong>` : 'ok'}</td></tr>`,
      )
      .join('');
    body.innerHTML =
      `<div class="acc-charts">` +
      `<figure><figcaption>Error by horizon (last day, every step's end)</figcaption>${withSteps.length > 0 ? errorBars : '<p class="acc-none">No step compared yet.</p>'}</figure>` +
      `<figure><figcaption>P10–P90 coverage (expected 70–90 %)</figcaption>${coverage}</figure>` +
      `<figure><figcaption>Error ${trendHorizon === undefined ? '' : `${horizonText(trendHorizon)} ahead`}, hour by hour (line: drift threshold)</figcaption>${trendHorizon === undefined ? '' : trend(summary, trendHorizon)}</figure>` +
      `</div>` +
      `<table class="data-table acc-table"><caption>Per horizon: the last day, and the rolling window drift is judged on</caption>` +
      `<thead><tr><th scope="col">Ahead</th><th scope="col">Steps compared</th><th scope="col">Bias</th><th scope="col">Mean abs. error</th><th scope="col">MAPE (remaining time)</th><th scope="col">Rolling MAPE</th><th scope="col">P10–P90 coverage</th><th scope="col">Drift</th></tr></thead>` +
      `<tbody>${table}</tbody></table>` +
      `<p class="acc-note">Data latency is the time from the newest event to a readable forecast: p50 ${summary.latency.p50Ms === undefined ? '–' : formatRunTime(summary.latency.p50Ms)}, p95 ${summary.latency.p95Ms === undefined ? '–' : formatRunTime(summary.latency.p95Ms)} over the last ${summary.latency.samples} forecasts.</p>`;
  }
}
