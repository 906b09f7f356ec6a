// The page of `twin play`, self-contained (inline style and script, no build): a map of the centers and
// distributors (equirectangular projection of latitude and longitude) with each center's inventory and
// rate, the KPIs live (polled), the daily costs, and a slider per center's rate.

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The page, titled with the model's name. */
export function playPageHtml(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · twin play</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f6f7f9; }
  header { padding: 10px 18px; background: #1d2430; color: #fff; display: flex; gap: 24px; align-items: baseline; }
  header h1 { font-size: 17px; margin: 0; }
  #clock { font-variant-numeric: tabular-nums; }
  main { display: grid; grid-template-columns: minmax(480px, 3fr) minmax(320px, 2fr); gap: 16px; padding: 16px; }
  section { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 12px; }
  h2 { font-size: 14px; margin: 0 0 8px; }
  svg text { font-size: 11px; fill: #1d2430; }
  .route { stroke: #b9c2cf; stroke-width: 1; }
  .distributor { fill: #6c7a8f; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  td, th { padding: 3px 6px; text-align: left; border-bottom: 1px solid #eef0f3; }
  td.num { text-align: right; }
  .center-control { display: grid; grid-template-columns: 90px 1fr 150px; gap: 8px; align-items: center; margin: 6px 0; }
  .center-control input { width: 100%; }
  .pending { color: #b25e00; }
  .finished { color: #7fd18b; }
</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><span id="clock">starting…</span><span id="status"></span></header>
<main>
  <section>
    <h2>Network</h2>
    <svg id="map" viewBox="0 0 720 460" width="100%" role="img" aria-label="Map of centers and distributors"></svg>
  </section>
  <div>
    <section>
      <h2>Rates (units an hour; a change takes effect after the machines' delay)</h2>
      <div id="controls"></div>
    </section>
    <section style="margin-top:16px">
      <h2>KPIs so far</h2>
      <table id="kpis"></table>
    </section>
    <section style="margin-top:16px">
      <h2>Daily cost</h2>
      <svg id="costs" viewBox="0 0 360 90" width="100%" role="img" aria-label="Daily cost"></svg>
    </section>
  </div>
</main>
<script>
(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const poll = Number(new URLSearchParams(location.search).get('poll')) || 500;
  const map = document.getElementById('map');
  const W = 720, H = 460, PAD = 40;
  let project;
  const glyphs = new Map();
  const controls = new Map();
  const el = (tag, attrs, text) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const fmt = (n, digits = 0) => Number(n).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

  function layout(state) {
    const points = [...state.centers, ...state.distributors];
    const lats = points.map((p) => p.lat), lons = points.map((p) => p.lon);
    const minLat = Math.min(...lats), maxLat = Math.max(...lats), minLon = Math.min(...lons), maxLon = Math.max(...lons);
    // Equirectangular: longitude shrunk by the cosine of the middle latitude, one scale for both axes.
    const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    const s = Math.min((W - 2 * PAD) / Math.max(1e-6, (maxLon - minLon) * k), (H - 2 * PAD) / Math.max(1e-6, maxLat - minLat));
    project = (p) => [PAD + (p.lon - minLon) * k * s, PAD + (maxLat - p.lat) * s];
    const byName = new Map(state.centers.map((c) => [c.name, c]));
    for (const d of state.distributors) {
      const [x, y] = project(d), [cx, cy] = project(byName.get(d.center));
      map.append(el('line', { x1: x, y1: y, x2: cx, y2: cy, class: 'route' }));
    }
    for (const d of state.distributors) {
      const [x, y] = project(d);
      map.append(el('circle', { cx: x, cy: y, r: 4, class: 'distributor' }));
      map.append(el('text', { x: x + 6, y: y + 4 }, d.name));
    }
    state.centers.forEach((c) => {
      const [x, y] = project(c);
      const g = el('g', { 'data-glyph': c.name });
      g.append(el('rect', { x: x - 9, y: y - 30, width: 18, height: 30, fill: '#fff', stroke: '#1d2430' }));
      const bar = el('rect', { x: x - 8, y: y, width: 16, height: 0, fill: '#3f7fbf' });
      g.append(bar);
      g.append(el('text', { x: x + 14, y: y - 20, 'font-weight': 'bold' }, c.name));
      const inv = el('text', { x: x + 14, y: y - 7 });
      const rate = el('text', { x: x + 14, y: y + 6 });
      g.append(inv, rate);
      map.append(g);
      glyphs.set(c.name, { bar, inv, rate, y });

      const row = document.createElement('div');
      row.className = 'center-control';
      const label = document.createElement('label');
      label.textContent = c.name;
      const input = document.createElement('input');
      Object.assign(input, { type: 'range', min: 0, max: c.rateCap, step: 5, value: c.target });
      input.dataset.center = c.name;
      input.setAttribute('aria-label', 'Rate of ' + c.name);
      label.htmlFor = input.id = 'rate-' + c.name.replace(/\\W+/g, '-');
      const out = document.createElement('span');
      row.append(label, input, out);
      document.getElementById('controls').append(row);
      input.addEventListener('input', () => { out.textContent = 'set ' + input.value + '…'; });
      input.addEventListener('change', async () => {
        const response = await fetch('api/rate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ center: c.name, rate: Number(input.value) }) });
        const answer = await response.json();
        if (!response.ok) out.textContent = answer.message;
        refresh();
      });
      controls.set(c.name, { input, out });
    });
  }

  function render(state) {
    const day = Math.floor(state.time / 24), hour = state.time - day * 24;
    document.getElementById('clock').textContent =
      'Day ' + state.day + ' (' + state.weekday + ') ' + String(Math.floor(hour)).padStart(2, '0') + ':' + String(Math.floor((hour % 1) * 60)).padStart(2, '0') +
      ' · ' + fmt(state.time, 1) + ' of ' + fmt(state.horizon) + ' h · speed ×' + fmt(state.speed);
    const status = document.getElementById('status');
    status.textContent = state.finished ? 'finished' : '';
    status.className = state.finished ? 'finished' : '';
    for (const c of state.centers) {
      const g = glyphs.get(c.name);
      const h = 28 * Math.min(1, c.inventory / c.capacity);
      g.bar.setAttribute('y', g.y - 1 - h);
      g.bar.setAttribute('height', h);
      g.inv.textContent = fmt(c.inventory) + ' / ' + fmt(c.capacity) + ' units' + (c.waiting ? ' · ' + c.waiting + ' waiting' : '');
      g.rate.textContent = (c.up ? fmt(c.rate) + ' units/h' : 'down') + (c.target !== c.rate ? ' → ' + fmt(c.target) : '') + ' · ' + c.policy;
      const ctl = controls.get(c.name);
      ctl.out.innerHTML = '';
      const now = document.createElement('span');
      now.dataset.rate = c.name;
      now.textContent = fmt(c.rate);
      const inv = document.createElement('span');
      inv.dataset.inventory = c.name;
      inv.textContent = fmt(c.inventory);
      ctl.out.append(now, ' units/h', c.target !== c.rate ? ' → ' + fmt(c.target) : '', ' · ', inv, ' on hand');
      if (c.target !== c.rate) ctl.out.classList.add('pending'); else ctl.out.classList.remove('pending');
      if (document.activeElement !== ctl.input) ctl.input.value = c.target;
      ctl.input.disabled = !c.up || state.finished;
    }
    const k = state.kpis;
    const rows = [
      ['Orders', fmt(k.orders)],
      ['Mean fulfilment time', fmt(k.meanFulfilmentHours, 2) + ' h'],
      ['Within the 24 h target', fmt(k.withinTargetShare, 1) + ' %'],
      ['Over the 48 h limit', fmt(k.overLimitShare, 1) + ' %'],
      ['Stockouts (orders that waited)', fmt(k.stockouts)],
      ['Mean inventory, all centers', fmt(k.meanInventory) + ' units'],
      ...state.centers.filter((c) => c.up).map((c) => ['Mean inventory, ' + c.name, fmt(c.meanInventory) + ' units']),
      ['Rate changes', fmt(k.rateChanges)],
      ['Mean daily cost', '$' + fmt(k.meanDailyCost)],
      ['Holding cost', '$' + fmt(k.holdingCostPerDay) + '/day'],
    ];
    const table = document.getElementById('kpis');
    table.replaceChildren(...rows.map(([label, value]) => {
      const tr = document.createElement('tr');
      const a = document.createElement('td'); a.textContent = label;
      const b = document.createElement('td'); b.className = 'num'; b.textContent = value;
      tr.append(a, b);
      return tr;
    }));
    const costs = document.getElementById('costs');
    costs.replaceChildren();
    if (state.dailyCosts.length > 0) {
      const max = Math.max(...state.dailyCosts) || 1;
      const n = Math.max(2, state.dailyCosts.length);
      const pts = state.dailyCosts.map((v, i) => (10 + (i * 340) / (n - 1)).toFixed(1) + ',' + (80 - (v / max) * 70).toFixed(1));
      costs.append(el('polyline', { points: pts.join(' '), fill: 'none', stroke: '#3f7fbf', 'stroke-width': 2 }));
      costs.append(el('text', { x: 10, y: 10, 'font-size': 8 }, 'max $' + fmt(max) + ' · last day $' + fmt(state.dailyCosts[state.dailyCosts.length - 1])));
    }
  }

  let timer;
  async function refresh() {
    clearTimeout(timer);
    try {
      const response = await fetch('api/state', { cache: 'no-store' });
      const state = await response.json();
      if (!project) layout(state);
      render(state);
      if (!state.finished) timer = setTimeout(refresh, poll);
    } catch {
      document.getElementById('status').textContent = 'the run is not answering (stopped?)';
      timer = setTimeout(refresh, 2000);
    }
  }
  refresh();
})();
</script>
</body>
</html>
`;
}
