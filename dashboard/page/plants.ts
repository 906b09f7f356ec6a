// The plant selector and the overview of every plant (GET api/plants): which plant the page shows is
// `?plant=` in its address, so a link opens that plant. Choosing another plant opens the page for it
// (a navigation, not a redraw): every panel then starts from that plant's data, and nothing of the
// plant before (a dragged variant, a replayed forecast, a what-if answer) is left on screen.
import type { PlantSummary } from '../../contracts/forecastRecord.ts';
import { DEFAULT_PLANT, isPlantId } from '../../contracts/plants.ts';
import { escapeHtml, formatAge } from './format.ts';

/** The plant `?plant=` names in `search`: the default plant when absent or not a plant id. */
export function plantOfSearch(search: string): string {
  const plant = new URLSearchParams(search).get('plant');
  return plant !== null && isPlantId(plant) ? plant : DEFAULT_PLANT;
}

/** The API's `path` (relative to the page at `base`) for plant `plant`: the default plant names none. */
export function plantUrl(path: string, base: string, plant: string): string {
  const url = new URL(path, base);
  if (plant !== DEFAULT_PLANT) url.searchParams.set('plant', plant);
  return url.toString();
}

/** The page's address showing plant `plant`, everything else of `href` kept. */
export function addressOf(href: string, plant: string): string {
  const url = new URL(href);
  if (plant === DEFAULT_PLANT) url.searchParams.delete('plant');
  else url.searchParams.set('plant', plant);
  return url.toString();
}

/** The overview's rows: by plant id, with `selected` among them even before it has a forecast. */
export function overviewRows(
  plants: readonly PlantSummary[],
  selected: string,
): (PlantSummary | { plantId: string })[] {
  const rows: (PlantSummary | { plantId: string })[] = [...plants];
  if (!plants.some((p) => p.plantId === selected)) rows.push({ plantId: selected });
  return rows.sort((a, b) => (a.plantId < b.plantId ? -1 : a.plantId > b.plantId ? 1 : 0));
}

/**
 * The plant to open in place of the default one, when the address names no plant and the default
 * plant has no forecast while others have (a deployment whose events all carry a plant id): the
 * first of them by id. Undefined when the page should stay.
 */
export function plantInsteadOfDefault(search: string, plants: readonly PlantSummary[]): string | undefined {
  if (new URLSearchParams(search).has('plant')) return undefined;
  if (plants.length === 0 || plants.some((p) => p.plantId === DEFAULT_PLANT)) return undefined;
  return plants.reduce((first, p) => (p.plantId < first ? p.plantId : first), plants[0]!.plantId);
}

/** The overview refreshes at most this often (ms): each poll may ask, most do not need to. */
const REFRESH_MS = 4_000;

export class PlantsPanel {
  private plants: PlantSummary[] = [];
  private lastRead = 0;
  private reading = false;
  private readonly url: string;

  constructor(
    base: string,
    private readonly token: string | undefined,
    /** The plant the page shows. */
    readonly selected: string,
    private readonly el: {
      picker: HTMLElement;
      select: HTMLSelectElement;
      overview: HTMLDetailsElement;
      summary: HTMLElement;
      body: HTMLElement;
    },
    /** Opens the page for another plant (default: navigates to its address). */
    private readonly open: (plant: string) => void = (plant) =>
      location.assign(addressOf(location.href, plant)),
    /**
     * Shows another plant in place of this page, which named none (default: replaces the address,
     * so that the back button does not come back to the empty default plant).
     */
    private readonly openInstead: (plant: string) => void = (plant) =>
      location.replace(addressOf(location.href, plant)),
    /** The page's query string, whether it names a plant (plantInsteadOfDefault). */
    private readonly search: string = location.search,
  ) {
    this.url = new URL('api/plants', base).toString();
    el.select.addEventListener('change', () => this.choose(el.select.value));
    el.body.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('tr[data-plant]');
      if (row) this.choose(row.dataset.plant!);
    });
    this.render();
  }

  /** Reads the overview again, unless it did less than REFRESH_MS ago (`force`: read anyway). */
  async refresh(force = false): Promise<void> {
    const now = Date.now();
    if (this.reading || (!force && now - this.lastRead < REFRESH_MS)) return;
    this.reading = true;
    this.lastRead = now;
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
      const response = await fetch(this.url, { headers, cache: 'no-store' });
      // A failed read keeps the overview it had: the forecast's own poll reports the outage.
      if (!response.ok) return;
      const body = (await response.json()) as { plants: PlantSummary[] };
      this.plants = body.plants;
      const instead = plantInsteadOfDefault(this.search, this.plants);
      if (instead !== undefined) {
        this.openInstead(instead);
        return;
      }
      this.render();
    } catch {
      // As above: the overview stays as it was.
    } finally {
      this.reading = false;
    }
  }

  /** Updates the ages of the plants' last forecasts: runs every second. */
  tick(now = Date.now()): void {
    for (const cell of this.el.body.querySelectorAll<HTMLElement>('td[data-generated-at]')) {
      const age = formatAge(Math.max(0, now - Number(cell.dataset.generatedAt)));
      if (cell.textContent !== age) cell.textContent = age;
    }
  }

  private choose(plant: string): void {
    if (plant !== this.selected) this.open(plant);
  }

  /**
   * The selector and the overview are shown once there is more than one plant to choose from (or the
   * page shows a plant other than the default, to come back from): a deployment of one plant looks
   * as it always did.
   */
  private render(): void {
    const rows = overviewRows(this.plants, this.selected);
    const many = rows.length > 1 || this.selected !== DEFAULT_PLANT;
    this.el.picker.hidden = !many;
    this.el.overview.hidden = !many;
    this.el.overview.dataset.plants = String(this.plants.length);
    const options = rows
      .map((r) => {
        const id = escapeHtml(r.plantId);
        const none = 'generatedAt' in r ? '' : ' (no forecast yet)';
        return `<option value="${id}"${r.plantId === this.selected ? ' selected' : ''}>${id}${none}</option>`;
      })
      .join('');
    if (this.el.select.innerHTML !== options) this.el.select.innerHTML = options;
    this.el.select.value = this.selected;
    const late = this.plants.filter((p) => p.ordersLate > 0).length;
    this.el.summary.textContent =
      `Plants: ${this.plants.length}` +
      (late > 0 ? ` · ${late} with late orders` : ' · none with late orders');
    const now = Date.now();
    this.el.body.innerHTML = rows
      .map((r) => {
        const id = escapeHtml(r.plantId);
        const current = r.plantId === this.selected;
        const head =
          `<tr data-plant="${id}"${current ? ' aria-current="true"' : ''}>` +
          `<th scope="row"><button type="button" class="plant-link"${current ? ' aria-current="true"' : ''}>${id}</button></th>`;
        if (!('generatedAt' in r)) return `${head}<td colspan="4" class="muted">no forecast yet</td></tr>`;
        const cell = (n: number | undefined, kind: string) =>
          n === undefined ? '<td>–</td>' : `<td class="${n > 0 ? kind : ''}">${n}</td>`;
        return (
          `${head}<td>${r.activeOrders}</td>${cell(r.ordersLate, 'late')}${cell(r.ordersAtRisk, 'risk')}` +
          `<td data-generated-at="${r.generatedAt}" title="made ${escapeHtml(new Date(r.generatedAt).toISOString())}">` +
          `${escapeHtml(formatAge(Math.max(0, now - r.generatedAt)))}</td></tr>`
        );
      })
      .join('');
  }
}
