// Statistics: the totals, then pictures: latency percentiles over time, tokens and error rate over time, the most
// used tools and the models.
'use strict';
(function () {
  const UNIT = {minute: 'per minute', hour: 'per hour', day: 'per day'};

  function draw(stats) {
    CL.summaryCards(document.getElementById('summary'), stats);
    const points = stats.over_time;
    const labels = points.map(function (p) { return p.label; });
    const unit = UNIT[stats.bucket] || '';
    document.getElementById('latency-title').textContent = 'Latency percentiles of replies, ' + unit + ' (' + stats.zone + ')';
    Charts.line(document.getElementById('latency'), {labels: labels, what: 'replies with a latency', format: CL.ms,
      title: 'latency percentiles over time', series: [
        {name: 'p50', cls: 's1', values: points.map(function (p) { return p.latency_ms_p50; })},
        {name: 'p95', cls: 's2', values: points.map(function (p) { return p.latency_ms_p95; })},
        {name: 'p99', cls: 's3', values: points.map(function (p) { return p.latency_ms_p99; })}]});
    document.getElementById('tokens-title').textContent = 'Tokens ' + unit;
    Charts.bars(document.getElementById('tokens'), {labels: labels, what: 'tokens', format: CL.num, title: 'tokens over time',
      series: [{name: 'out', cls: 's1', values: points.map(function (p) { return p.tokens_out; })},
        {name: 'in', cls: 's2', values: points.map(function (p) { return p.tokens_in; })}]});
    document.getElementById('errors-title').textContent = 'Error rate ' + unit + ' (errors per entry)';
    Charts.line(document.getElementById('errors'), {labels: labels, what: 'entries', format: CL.percent,
      title: 'error rate over time', series: [{name: 'error rate', cls: 's3', values: points.map(function (p) {
        return p.entries > 0 ? p.error_rate : null;
      })}]});
    Charts.hbars(document.getElementById('tools'), {what: 'tool calls', format: CL.num, cls: 's2', title: 'top tools',
      items: stats.top_tools.map(function (t) { return {label: t.tool, value: t.calls}; })});
    Charts.hbars(document.getElementById('models'), {what: 'models', format: CL.num, cls: 's1', title: 'entries per model',
      items: stats.models.map(function (m) {
        return {label: m.model, value: m.entries, detail: 'p50 ' + CL.ms(m.latency_ms_p50)};
      })});
    const body = CL.clear(document.querySelector('#model-table tbody'));
    for (const m of stats.models) {
      body.appendChild(CL.el('tr', {}, [CL.el('td', {}, CL.el('span', {class: 'chip', text: m.model})),
        CL.el('td', {class: 'num', text: CL.num(m.sessions)}), CL.el('td', {class: 'num', text: CL.num(m.entries)}),
        CL.el('td', {class: 'num', text: CL.ms(m.latency_ms_p50)}), CL.el('td', {class: 'num', text: CL.ms(m.latency_ms_p95)}),
        CL.el('td', {class: 'num', text: CL.num(m.tokens_out)}),
        CL.el('td', {class: 'num', text: m.tokens_per_second === null ? '–' : m.tokens_per_second.toFixed(1)}),
        CL.el('td', {class: 'num' + (m.errors > 0 ? ' bad' : ''), text: CL.num(m.errors)}),
        CL.el('td', {class: 'num' + (m.low_confidence > 0 ? ' warn' : ''), text: CL.num(m.low_confidence)})]));
    }
  }

  async function load() {
    try {
      draw(await CL.api('/api/stats'));
    } catch (e) {
      CL.notice(document.getElementById('summary'), 'Statistics could not be read: ' + e.message);
    }
  }

  function init() {
    load();
    let timer = null;
    CL.onLive('entry', function () {
      if (timer) return;
      timer = setTimeout(function () { timer = null; load(); }, 3000);
    });
    CL.startLive();
  }

  document.addEventListener('DOMContentLoaded', init);
})();
