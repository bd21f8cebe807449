// Live: the master log as it is written, newest on top; the newest lines first, then each new one as it arrives.
'use strict';
(function () {
  const KEEP = 2000;
  let paused = false;
  let held = [];
  let count = 0;

  function matches(row, filter) {
    return !filter || row.dataset.search.indexOf(filter) >= 0;
  }

  function rowOf(line) {
    const type = line.event_type;
    const cls = type.indexOf('error:') === 0 || type === 'llm:error' ? 'bad' : type.indexOf('conversation:') === 0 ? 'conv' : '';
    const session = line.session_id
      ? CL.el('a', {href: CL.sessionHref(line.session_id), class: 'session-link', text: line.session_id}) : '';
    return CL.el('tr', {class: cls, dataset: {search: (type + ' ' + line.source + ' ' + line.message).toLowerCase()}}, [
      CL.el('td', {class: 'time', title: line.timestamp, text: CL.time(line.timestamp)}),
      CL.el('td', {}, CL.el('code', {text: type})),
      CL.el('td', {text: line.source}),
      CL.el('td', {class: 'session-cell'}, session),
      CL.el('td', {class: 'message', text: line.message})
    ]);
  }

  function show(lines) {
    const body = document.querySelector('#lines tbody');
    const filter = document.getElementById('filter').value.trim().toLowerCase();
    for (const line of lines) {
      const row = rowOf(line);
      if (!matches(row, filter)) row.hidden = true;
      body.insertBefore(row, body.firstChild);
      count++;
    }
    while (body.children.length > KEEP) body.removeChild(body.lastChild);
    document.getElementById('count').textContent = CL.num(count) + ' lines' + (paused ? ' · paused' : '');
  }

  function init() {
    document.getElementById('filter').addEventListener('input', function (ev) {
      const f = ev.target.value.trim().toLowerCase();
      for (const row of document.querySelectorAll('#lines tbody tr')) row.hidden = !matches(row, f);
    });
    document.getElementById('pause').addEventListener('change', function (ev) {
      paused = ev.target.checked;
      if (!paused) {
        show(held);
        held = [];
      }
    });
    CL.onLive('line', function (line) {
      if (paused) held.push(line);
      else show([line]);
    });
    CL.onLive('reset', function () { location.reload(); });
    CL.startLive('backlog=200');
  }

  document.addEventListener('DOMContentLoaded', init);
})();
