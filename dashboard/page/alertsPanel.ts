// The dashboard's alerts: a banner for the newest alert that needs attention (an order newly late or
// at risk, the forecasts drifting) until it is acknowledged in this browser, and the list of recent
// alerts. Reads GET api/alerts when a new forecast arrives, and at most every ALERTS_EVERY_MS besides.

import type { Alert } from '../../contracts/alerts.ts';
import { DEFAULT_PLANT } from '../../contracts/plants.ts';
import { escapeHtml, formatDateTime, formatTimeNear } from './format.ts';
import { plantUrl } from './plants.ts';

const ACK_KEY = 'twin-dashboard-acknowledged-alerts';
/** Acknowledged ids kept: more than the alerts the list ever shows. */
const MAX_ACKNOWLEDGED = 500;
/** How often alerts are read while the forecast stays the same (drift alerts come without one). */
export const ALERTS_EVERY_MS = 30_000;
const LIMIT = 50;

/**
 * The alert the banner shows: the newest lateness or drift alert not acknowledged, leaving out an
 * order's alert that a newer one of the same order has overtaken, and an order back on time.
 */
export function bannerAlert(alerts: readonly Alert[], acknowledged: ReadonlySet<string>): Alert | undefined {
  const newer = new Set<string>();
  // Newest first: an order's first alert met is its latest.
  for (const alert of [...alerts].sort((a, b) => b.asOf - a.asOf)) {
    if (alert.kind === 'calibration') continue;
    if (alert.kind === 'lateness') {
      if (newer.has(alert.orderId)) continue;
      newer.add(alert.orderId);
      if (alert.change === 'on-time') continue;
    }
    if (!acknowledged.has(alert.id)) return alert;
  }
  return undefined;
}

/** What kind of alert, in a word for its tag. */
function tagOf(alert: Alert): string {
  if (alert.kind === 'lateness')
    return alert.change === 'on-time' ? 'on time' : alert.change === 'late' ? 'late' : 'at risk';
  return alert.kind;
}

export class AlertsPanel {
  private alerts: Alert[] = [];
  private readonly acknowledged: Set<string>;
  private readonly url: string;
  private lastRead = 0;
  private reading = false;

  constructor(
    base: string,
    private readonly token: string | undefined,
    private readonly el: { banner: HTMLElement; list: HTMLDetailsElement },
    /** The plant whose alerts to show. */
    plant: string = DEFAULT_PLANT,
  ) {
    this.url = plantUrl(`api/alerts?limit=${LIMIT}`, base, plant);
    this.acknowledged = new Set(readAcknowledged());
    el.banner.addEventListener('click', (event) => {
      if ((event.target as HTMLElement).closest('[data-action="acknowledge"]')) this.acknowledge();
    });
  }

  /** Reads the alerts when `changed` (a new forecast) or when they were last read long enough ago. */
  async refresh(changed: boolean): Promise<void> {
    if (this.reading || (!changed && Date.now() - this.lastRead < ALERTS_EVERY_MS)) return;
    this.reading = true;
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
      const response = await fetch(this.url, { headers, cache: 'no-store' });
      // A failed read keeps what is shown: the forecast's own banners tell of an outage.
      if (!response.ok) return;
      this.alerts = ((await response.json()) as { alerts: Alert[] }).alerts;
      this.lastRead = Date.now();
      this.render();
    } catch {
      // As above: the next poll tries again.
    } finally {
      this.reading = false;
    }
  }

  private acknowledge(): void {
    const shown = this.el.banner.dataset.alertId;
    if (!shown) return;
    this.acknowledged.add(shown);
    writeAcknowledged([...this.acknowledged]);
    this.render();
  }

  private render(): void {
    const { banner, list } = this.el;
    const alert = bannerAlert(this.alerts, this.acknowledged);
    banner.hidden = alert === undefined;
    banner.dataset.alertId = alert?.id ?? '';
    banner.dataset.kind = alert?.kind ?? '';
    if (alert !== undefined) {
      banner.innerHTML =
        `<strong>${escapeHtml(alert.kind === 'drift' ? 'Forecasts drifting' : 'Order alert')}:</strong> ` +
        `<span class="alert-text">${escapeHtml(alert.text)}</span> ` +
        `<span class="alert-time">(as of ${escapeHtml(formatDateTime(alert.asOf))})</span> ` +
        '<button type="button" data-action="acknowledge">Acknowledge</button>';
    }
    list.hidden = this.alerts.length === 0;
    const newest = this.alerts[0]?.asOf ?? 0;
    list.innerHTML =
      `<summary>${this.alerts.length} recent alert${this.alerts.length === 1 ? '' : 's'}</summary><ol>` +
      this.alerts
        .map(
          (a) =>
            `<li data-alert-id="${escapeHtml(a.id)}" data-kind="${a.kind}">` +
            `<time>${escapeHtml(formatTimeNear(a.asOf, newest))}</time> ` +
            `<span class="alert-tag alert-${a.kind}">${escapeHtml(tagOf(a))}</span> ${escapeHtml(a.text)}</li>`,
        )
        .join('') +
      '</ol>';
  }
}

function readAcknowledged(): string[] {
  try {
    const stored = JSON.parse(localStorage.getItem(ACK_KEY) ?? '[]') as unknown;
    return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

function writeAcknowledged(ids: string[]): void {
  try {
    localStorage.setItem(ACK_KEY, JSON.stringify(ids.slice(-MAX_ACKNOWLEDGED)));
  } catch {
    // Storage full or refused: acknowledged for this page's life only.
  }
}
