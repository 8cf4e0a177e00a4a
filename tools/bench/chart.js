// The results as a hand-written SVG: per scenario, throughput and p99 latency, each with the
// machine's ceiling behind it, on log scales since scenarios differ by orders of magnitude.
'use strict';

const ROW = 22;
const TOP = 96;
const LABEL_W = 250;
const PANEL_W = 340;
const GAP = 40;
const WIDTH = LABEL_W + 2 * PANEL_W + 2 * GAP;

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

/** A log10 axis from the power of ten at or below `min` to the one at or above `max`. */
function logAxis(values) {
  const positive = values.filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...positive, 1)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...positive, 10))));
  const x = (v) => (v > 0 ? Math.max(0, (Math.log10(v) - lo) / (hi - lo)) * PANEL_W : 0);
  const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  return { x, ticks };
}

function panel({ left, title, note, axis, height, bars }) {
  const parts = [`<text x="${left}" y="36" class="title">${escape(title)}</text>`, `<text x="${left}" y="52" class="note">${escape(note)}</text>`];
  for (const tick of axis.ticks) {
    const x = left + axis.x(tick);
    parts.push(`<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${height - 10}" class="grid"/>`);
    parts.push(`<text x="${x}" y="${TOP - 12}" class="tick">${tick >= 1 ? tick : tick.toPrecision(1)}</text>`);
  }
  return parts.concat(bars).join('\n');
}

/** `run`: the run's date, commit, machine and command in one line, at the top. */
function chartSvg(records, run) {
  const height = TOP + records.length * ROW + 30;
  const rates = logAxis(records.flatMap((r) => [r.events_per_s, r.ceiling_events_per_s]));
  const p99s = logAxis(records.flatMap((r) => [r.p99_ms ?? 0, r.ceiling_p99_ms ?? 0]));
  const rateLeft = LABEL_W;
  const p99Left = LABEL_W + PANEL_W + GAP;
  const rateBars = [];
  const p99Bars = [];
  const labels = [];
  records.forEach((r, i) => {
    const y = TOP + i * ROW;
    labels.push(`<text x="${LABEL_W - 8}" y="${y + 14}" class="label">${escape(`${r.backend} ${r.entry} ${r.scenario}`)}</text>`);
    const ceiling = rates.x(r.ceiling_events_per_s ?? 0);
    const measured = rates.x(r.events_per_s);
    rateBars.push(`<rect x="${rateLeft}" y="${y + 3}" width="${ceiling}" height="${ROW - 6}" class="ceiling"><title>ceiling ${r.ceiling_events_per_s} ev/s</title></rect>`);
    rateBars.push(`<rect x="${rateLeft}" y="${y + 6}" width="${measured}" height="${ROW - 12}" class="rate"><title>${r.events_per_s} ev/s</title></rect>`);
    rateBars.push(`<text x="${rateLeft + Math.max(ceiling, measured) + 4}" y="${y + 14}" class="value">${r.events_per_s}${r.ratio != null ? ` (${r.ratio})` : ''}</text>`);
    const p99 = p99s.x(r.p99_ms ?? 0);
    const ceilingP99 = p99s.x(r.ceiling_p99_ms ?? 0);
    p99Bars.push(`<rect x="${p99Left}" y="${y + 3}" width="${ceilingP99}" height="${ROW - 6}" class="ceiling-p99"><title>ceiling p99 ${r.ceiling_p99_ms} ms</title></rect>`);
    p99Bars.push(`<rect x="${p99Left}" y="${y + 6}" width="${p99}" height="${ROW - 12}" class="p99"><title>p99 ${r.p99_ms} ms</title></rect>`);
    p99Bars.push(`<text x="${p99Left + Math.max(p99, ceilingP99) + 4}" y="${y + 14}" class="value">${r.p99_ms ?? '-'}${r.lost ? ` lost ${r.lost}` : ''}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">
<style>
.title { font-weight: bold; font-size: 12px }
.tick { text-anchor: middle; fill: #666 }
.grid { stroke: #ddd }
.label { text-anchor: end }
.value { fill: #333 }
.note { fill: #555 }
.ceiling { fill: #c6dbef }
.rate { fill: #2171b5 }
.p99 { fill: #e6550d }
.ceiling-p99 { fill: #fdd0a2 }
</style>
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="14" class="note">${escape(run)}</text>
${labels.join('\n')}
${panel({ left: rateLeft, title: 'events/s end to end (ratio to ceiling)', note: 'dark: the product; light: the bare ceiling', axis: rates, height, bars: rateBars })}
${panel({ left: p99Left, title: 'p99 latency, ms', note: 'from acceptance to the sink; light: the bare ceiling', axis: p99s, height, bars: p99Bars })}
</svg>
`;
}

module.exports = { chartSvg };
