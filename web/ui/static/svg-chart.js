// svg-chart.js — a small bar-and-line chart drawn as SVG elements (no
// chart library): bars for counts per interval, a line for a percentage.
const NS = "http://www.w3.org/2000/svg";

function el(tag, attrs = {}, text) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

/**
 * barChart draws labels[i] with one bar per series (counts) and an
 * optional percentage line (0–100, null for a gap).
 * @param {{labels: string[], bars: {name: string, values: number[], cls: string}[], line?: {name: string, values: (number|null)[]}}} d
 */
export function barChart(d, width = 960, height = 260) {
  const pad = { l: 40, r: 40, t: 12, b: 40 };
  const w = width - pad.l - pad.r;
  const hgt = height - pad.t - pad.b;
  const max = Math.max(1, ...d.bars.flatMap((b) => b.values));
  const n = Math.max(1, d.labels.length);
  const slot = w / n;
  const bw = Math.max(1, (slot * 0.8) / d.bars.length);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": "Chart" });
  svg.append(el("line", { x1: pad.l, y1: pad.t + hgt, x2: pad.l + w, y2: pad.t + hgt, class: "chart-axis" }));
  svg.append(el("text", { x: pad.l - 6, y: pad.t + 10, class: "chart-tick", "text-anchor": "end" }, String(max)));
  svg.append(el("text", { x: pad.l - 6, y: pad.t + hgt, class: "chart-tick", "text-anchor": "end" }, "0"));
  d.bars.forEach((b, j) => {
    b.values.forEach((v, i) => {
      const bh = (v / max) * hgt;
      const r = el("rect", { x: pad.l + i * slot + slot * 0.1 + j * bw, y: pad.t + hgt - bh, width: bw, height: bh, class: b.cls });
      r.append(el("title", {}, `${d.labels[i]}: ${b.name} ${v}`));
      svg.append(r);
    });
  });
  if (d.line) {
    let path = "";
    d.line.values.forEach((v, i) => {
      if (v === null) return;
      const x = pad.l + i * slot + slot / 2;
      const y = pad.t + hgt - (v / 100) * hgt;
      path += `${path === "" ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)} `;
    });
    if (path) svg.append(el("path", { d: path, class: "chart-line" }));
    svg.append(el("text", { x: pad.l + w + 6, y: pad.t + 10, class: "chart-tick" }, "100%"));
  }
  const every = Math.ceil(n / 12);
  d.labels.forEach((l, i) => {
    if (i % every) return;
    svg.append(el("text", { x: pad.l + i * slot + slot / 2, y: height - pad.b + 16, class: "chart-tick", "text-anchor": "middle" }, l));
  });
  const legend = el("g", { class: "chart-legend" });
  d.bars.forEach((b, j) => {
    legend.append(el("rect", { x: pad.l + j * 110, y: height - 14, width: 10, height: 10, class: b.cls }));
    legend.append(el("text", { x: pad.l + j * 110 + 14, y: height - 5, class: "chart-tick" }, b.name));
  });
  svg.append(legend);
  return svg;
}
