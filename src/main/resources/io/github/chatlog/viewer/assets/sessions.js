// The sessions page: statistics at the top, filters, a paged table newest first, refreshed as entries are logged.
'use strict';
(function () {
  const PAGE = 50;
  const FILTERS = ['from', 'to', 'model', 'id', 'errors', 'low_confidence'];
  let state = {};
  let reloadTimer = null;

  function readState() {
    state = {offset: Math.max(0, parseInt(CL.query.get('offset') || '0', 10) || 0)};
    for (const f of FILTERS) {
      const v = CL.query.get(f);
      if (v) state[f] = v;
    }
  }

  function params(extra) {
    const p = new URLSearchParams();
    for (const f of FILTERS) if (state[f]) p.set(f, state[f]);
    if (extra) for (const k of Object.keys(extra)) p.set(k, String(extra[k]));
    return p;
  }

  function fillForm(form) {
    for (const f of FILTERS) {
      const input = form.elements[f];
      if (!input) continue;
      if (input.type === 'checkbox') input.checked = state[f] === '1';
      else input.value = state[f] || '';
    }
  }

  async function loadStats() {
    const summary = document.getElementById('summary');
    try {
      const stats = await CL.api('/api/stats');
      CL.summaryCards(summary, stats);
      const select = document.querySelector('#filters select[name=model]');
      const chosen = state.model || '';
      CL.clear(select);
      select.appendChild(CL.el('option', {value: '', text: 'any'}));
      const models = stats.models.map(function (m) { return m.model; });
      if (chosen && models.indexOf(chosen) < 0) models.push(chosen);
      for (const m of models) select.appendChild(CL.el('option', {value: m, text: m}));
      select.value = chosen;
    } catch (e) {
      CL.notice(summary, 'Statistics could not be read: ' + e.message);
    }
  }

  function row(s) {
    const id = CL.el('td', {class: 'session-cell'}, [
      CL.el('a', {href: CL.sessionHref(s.session_id, s.conversations > 1 ? s.conversation : null), class: 'session-link',
        title: s.session_id, text: s.session_id}),
      s.conversations > 1 ? CL.el('span', {class: 'chip', title: 'this id has ' + s.conversations + ' conversations',
        text: s.conversation + ' of ' + s.conversations}) : null,
      s.ended ? null : CL.el('span', {class: 'chip open', text: 'open'})
    ]);
    const models = CL.el('td', {class: 'models'});
    for (const m of s.models) models.appendChild(CL.el('span', {class: 'chip', text: m}));
    return CL.el('tr', {dataset: {session: s.session_id}}, [
      id,
      CL.el('td', {class: 'time', text: CL.time(s.started)}),
      CL.el('td', {class: 'time', text: CL.time(s.ended || s.last_entry), title: s.ended ? 'ended' : 'last entry'}),
      CL.el('td', {class: 'num', text: CL.num(s.turns)}),
      CL.el('td', {class: 'num', text: CL.num(s.entries)}),
      CL.el('td', {class: 'num', text: CL.num(s.tokens)}),
      CL.el('td', {class: 'num' + (s.errors > 0 ? ' bad' : ''), text: CL.num(s.errors)}),
      CL.el('td', {class: 'num' + (s.low_confidence > 0 ? ' warn' : ''), text: CL.num(s.low_confidence)}),
      models
    ]);
  }

  async function loadSessions() {
    const body = document.querySelector('#sessions tbody');
    const count = document.getElementById('count');
    let page;
    try {
      page = await CL.api('/api/sessions?' + params({offset: state.offset, limit: PAGE}).toString());
    } catch (e) {
      CL.clear(body);
      body.appendChild(CL.el('tr', {}, CL.el('td', {colspan: '9'}, CL.el('div', {class: 'notice error', text: e.message}))));
      return;
    }
    CL.clear(body);
    for (const s of page.sessions) body.appendChild(row(s));
    if (page.sessions.length === 0) {
      body.appendChild(CL.el('tr', {}, CL.el('td', {colspan: '9', class: 'muted', text: 'No conversation matches.'})));
    }
    count.textContent = page.total === 0 ? '0 conversations'
      : (page.offset + 1) + '–' + (page.offset + page.sessions.length) + ' of ' + CL.num(page.total)
        + (page.total_exact ? '' : '+') + ' conversations';
    pager(page);
  }

  function pager(page) {
    const nav = CL.clear(document.getElementById('pager'));
    const go = function (offset, label, enabled) {
      if (!enabled) return CL.el('span', {class: 'button disabled', text: label});
      return CL.el('a', {class: 'button', href: '/?' + params({offset: offset}).toString(), text: label, onclick: function (ev) {
        ev.preventDefault();
        state.offset = offset;
        history.replaceState(null, '', '/?' + params(offset ? {offset: offset} : null).toString());
        loadSessions();
      }});
    };
    CL.append(nav, [
      go(0, '« Newest', page.offset > 0),
      go(Math.max(0, page.offset - PAGE), '‹ Newer', page.offset > 0),
      go(page.offset + PAGE, 'Older ›', page.offset + PAGE < page.total)
    ]);
  }

  function init() {
    readState();
    const form = document.getElementById('filters');
    fillForm(form);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      state = {offset: 0};
      for (const f of FILTERS) {
        const input = form.elements[f];
        const v = input.type === 'checkbox' ? (input.checked ? '1' : '') : input.value.trim();
        if (v) state[f] = v;
      }
      history.replaceState(null, '', '/?' + params().toString());
      loadSessions();
    });
    document.getElementById('reset').addEventListener('click', function () {
      state = {offset: 0};
      fillForm(form);
      history.replaceState(null, '', '/');
      loadSessions();
    });
    CL.exportLinks(document.getElementById('exports'), null, null);
    loadStats();
    loadSessions();
    CL.onLive('entry', function () {
      // a burst of entries reloads once
      if (reloadTimer) return;
      reloadTimer = setTimeout(function () {
        reloadTimer = null;
        loadSessions();
        loadStats();
      }, 1500);
    });
    CL.startLive();
  }

  document.addEventListener('DOMContentLoaded', init);
})();
