// Formatting of times, durations and text for the dashboard page (browser's time zone and locale).

// Made on first use: the command line's tables import this module too, and creating an Intl format
// loads the locale data, some 20 ms, which a command that prints no date would pay at every start.
let dateTimeFormat: Intl.DateTimeFormat | undefined;
let dayFormat: Intl.DateTimeFormat | undefined;

const two = (n: number) => (n < 10 ? `0${n}` : String(n));
const dayKey = (d: Date) => d.getFullYear() * 400 + d.getMonth() * 32 + d.getDate();
const dayNames = new Map<number, string>();

/** Clock time, e.g. 08:31:00 (24 h; by hand: Intl is too slow for thousands of cells). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Clock time with the day when it is not the same day as `reference`, e.g. "Tue 6 Jan 08:31:00". */
export function formatTimeNear(ms: number, reference: number): string {
  const d = new Date(ms);
  const key = dayKey(d);
  if (key === dayKey(new Date(reference))) return formatTime(ms);
  let day = dayNames.get(key);
  if (day === undefined) {
    dayFormat ??= new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
    day = dayFormat.format(ms);
    dayNames.set(key, day);
  }
  return `${day} ${formatTime(ms)}`;
}

/** Date and time, e.g. "Mon, 5 Jan 2026, 08:31:00". */
export function formatDateTime(ms: number): string {
  dateTimeFormat ??= new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return dateTimeFormat.format(ms);
}

/** A duration in the two largest units, e.g. "3 min 20 s", "2 h 05 min", "1 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h} h` : `${h} h ${String(m % 60).padStart(2, '0')} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** A signed duration, e.g. "+3 min 20 s", "−45 s". */
export function formatSigned(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${formatDuration(ms)}`;
}

/** How long ago, e.g. "just now", "42 s ago", "3 min 05 s ago". */
export function formatAge(ms: number): string {
  if (ms < 2000) return 'just now';
  return `${formatDuration(ms)} ago`;
}

/** Milliseconds of compute, e.g. "12.3 ms", "1.24 s". */
export function formatRunTime(ms: number): string {
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe to put into HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A share as a whole percentage, e.g. "73 %"; never "0 %" or "100 %" for a share strictly between. */
export function formatPercent(share: number): string {
  const percent = Math.round(share * 100);
  if (share > 0 && percent === 0) return '< 1 %';
  if (share < 1 && percent === 100) return '> 99 %';
  return `${percent} %`;
}

/** A polling interval, e.g. "5 s", "2.5 s", "300 ms". */
export function formatInterval(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}
