// Small SVG charts drawn here, with no library: lines over time, bars over time (stacked), horizontal bars.
// Labels and tooltips are text nodes; colours come from viewer.css classes (s1, s2, s3).
'use strict';
(function () {
  const NS = 'http://www.w3.org/2000/svg';
  const H = 220;
  let W = 640;

  /** Draws at the container's own width, so text keeps its size on a wide chart. */
  function measure(container) {
    W = Math.max(320, Math.round(container.clientWidth || 640));
  }
  const PAD = {left: 56, right: 12, top: 12, bottom: 36};

  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const k of Object.keys(attrs || {})) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function tip(node, text) {
    node.appendChild(svg('title', {}, text));
    return node;
  }

  /** A round upper bound and its tick step for values up to max. */
  function scale(max) {
    if (!(max > 0)) return {top: 1, step: 0.25};
    const raw = max / 4;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; }).find(function (s) { return s >= raw; });
    return {top: step * Math.ceil(max / step), step: step};
  }

  function frame(container, labels, max, format, title) {
    CL.clear(container);
    measure(container);
    const root = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, class: 'chart-svg', role: 'img'});
    root.appendChild(svg('title', {}, title || ''));
    const s = scale(max);
    const plotH = H - PAD.top - PAD.bottom;
    const y = function (v) { return PAD.top + plotH - (v / s.top) * plotH; };
    for (let v = 0; v <= s.top + 1e-9; v += s.step) {
      root.appendChild(svg('line', {x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid'}));
      root.appendChild(svg('text', {x: PAD.left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end'}, format(v)));
    }
    const n = Math.max(1, labels.length);
    const band = (W - PAD.left - PAD.right) / n;
    const x = function (i) { return PAD.left + band * (i + 0.5); };
    const every = Math.max(1, Math.ceil(n / Math.max(3, Math.floor(W / 110))));
    for (let i = 0; i < labels.length; i += every) {
      root.appendChild(svg('text', {x: x(i), y: H - PAD.bottom + 16, class: 'axis', 'text-anchor': 'middle'},
        shortLabel(labels[i])));
    }
    container.appendChild(root);
    return {root: root, x: x, y: y, band: band};
  }

  /** '2025-10-29 14:32' shows its time; a day shows itself. */
  function shortLabel(label) {
    const s = String(label);
    return s.length > 10 ? s.slice(11) || s : s;
  }

  function legend(container, series) {
    const l = CL.el('div', {class: 'legend'});
    for (const s of series) {
      l.appendChild(CL.el('span', {class: 'legend-item'}, [CL.el('span', {class: 'swatch ' + s.cls}), s.name]));
    }
    container.appendChild(l);
  }

  function empty(container, what) {
    CL.clear(container);
    container.appendChild(CL.el('p', {class: 'muted empty', text: 'No ' + what + ' yet.'}));
  }

  const Charts = {};
  window.Charts = Charts;

  /** Lines over time; null values leave a gap. */
  Charts.line = function (container, opts) {
    const values = [].concat.apply([], opts.series.map(function (s) { return s.values; })).filter(function (v) {
      return v !== null && v !== undefined;
    });
    if (values.length === 0) return empty(container, opts.what || 'data');
    const f = frame(container, opts.labels, Math.max.apply(null, values), opts.format, opts.title);
    for (const s of opts.series) {
      let d = '';
      let pen = false;
      s.values.forEach(function (v, i) {
        if (v === null || v === undefined) { pen = false; return; }
        d += (pen ? 'L' : 'M') + f.x(i).toFixed(1) + ' ' + f.y(v).toFixed(1);
        pen = true;
      });
      f.root.appendChild(svg('path', {d: d, class: 'series-line ' + s.cls}));
      s.values.forEach(function (v, i) {
        if (v === null || v === undefined) return;
        f.root.appendChild(tip(svg('circle', {cx: f.x(i), cy: f.y(v), r: 3, class: 'series-dot ' + s.cls}),
          opts.labels[i] + ' · ' + s.name + ' ' + opts.format(v)));
      });
    }
    legend(container, opts.series);
  };

  /** Bars over time, the series stacked. */
  Charts.bars = function (container, opts) {
    const sums = opts.labels.map(function (_, i) {
      return opts.series.reduce(function (a, s) { return a + (s.values[i] || 0); }, 0);
    });
    if (!sums.some(function (v) { return v > 0; })) return empty(container, opts.what || 'data');
    const f = frame(container, opts.labels, Math.max.apply(null, sums), opts.format, opts.title);
    const w = Math.max(1, Math.min(40, f.band * 0.7));
    opts.labels.forEach(function (label, i) {
      let base = 0;
      for (const s of opts.series) {
        const v = s.values[i] || 0;
        if (v <= 0) continue;
        f.root.appendChild(tip(svg('rect', {x: f.x(i) - w / 2, y: f.y(base + v), width: w,
          height: Math.max(0.5, f.y(base) - f.y(base + v)), class: 'bar ' + s.cls}), label + ' · ' + s.name + ' ' + opts.format(v)));
        base += v;
      }
    });
    if (opts.series.length > 1) legend(container, opts.series);
  };

  /** Horizontal bars, largest first, each labelled. */
  Charts.hbars = function (container, opts) {
    CL.clear(container);
    measure(container);
    if (opts.items.length === 0) return empty(container, opts.what || 'data');
    const rowH = 26;
    const height = opts.items.length * rowH + 8;
    const labelW = 170;
    const root = svg('svg', {viewBox: '0 0 ' + W + ' ' + height, class: 'chart-svg', role: 'img'});
    root.appendChild(svg('title', {}, opts.title || ''));
    const max = Math.max.apply(null, opts.items.map(function (i) { return i.value; })) || 1;
    opts.items.forEach(function (item, i) {
      const y = 4 + i * rowH;
      const width = (W - labelW - 80) * item.value / max;
      const label = String(item.label);
      root.appendChild(svg('text', {x: labelW - 8, y: y + 16, class: 'axis label', 'text-anchor': 'end'},
        label.length > 26 ? label.slice(0, 25) + '…' : label));
      root.appendChild(tip(svg('rect', {x: labelW, y: y + 3, width: Math.max(1, width), height: rowH - 8,
        class: 'bar ' + (opts.cls || 's1')}), label + ': ' + opts.format(item.value) + (item.detail ? ' · ' + item.detail : '')));
      root.appendChild(svg('text', {x: labelW + width + 6, y: y + 16, class: 'axis'}, opts.format(item.value)));
    });
    container.appendChild(root);
  };
})();
