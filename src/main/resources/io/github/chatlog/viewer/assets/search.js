// Search: the hits of the same search the command line runs, newest first, the match highlighted, each linked to its
// place in its conversation.
'use strict';
(function () {
  const CONTEXT = 160;

  /** The text around the first match, with every match in it marked (the server says where they are). */
  function snippet(text, matches) {
    let from = 0;
    let to = text.length;
    if (matches.length > 0 && text.length > 2 * CONTEXT + 40) {
      from = Math.max(0, matches[0][0] - CONTEXT);
      to = Math.min(text.length, matches[0][1] + CONTEXT);
    }
    const out = [];
    if (from > 0) out.push('…');
    let at = from;
    for (const m of matches) {
      const start = Math.max(m[0], at);
      const end = Math.min(m[1], to);
      if (end <= start) continue;
      if (start > at) out.push(text.slice(at, start));
      out.push(CL.el('mark', {text: text.slice(start, end)}));
      at = end;
    }
    if (at < to) out.push(text.slice(at, to));
    if (to < text.length) out.push('…');
    return out;
  }

  async function run(q, role) {
    const status = document.getElementById('status');
    const list = CL.clear(document.getElementById('hits'));
    const p = new URLSearchParams({q: q, limit: '100'});
    if (role) p.set('role', role);
    status.textContent = 'Searching…';
    let result;
    try {
      result = await CL.api('/api/search?' + p.toString());
    } catch (e) {
      CL.notice(status, e.message);
      return;
    }
    status.textContent = result.hits.length === 0 ? 'No entry contains this text.'
      : result.hits.length + (result.more ? '+' : '') + ' hit' + (result.hits.length === 1 ? '' : 's') + ', newest first'
        + (result.more ? ' (the newest ' + result.hits.length + ' are shown)' : '');
    for (const h of result.hits) {
      const href = CL.sessionHref(h.session_id, h.conversation, {at: h.index === undefined ? null : h.index});
      list.appendChild(CL.el('li', {class: 'hit'}, [
        CL.el('div', {class: 'hit-head'}, [
          CL.el('span', {class: 'chip role-' + h.role.replace(/[^a-z]/g, ''), text: h.role}),
          CL.el('a', {href: href, class: 'session-link', text: h.session_id}),
          h.conversation > 1 ? CL.el('span', {class: 'muted', text: ' conversation ' + h.conversation}) : null,
          CL.el('time', {class: 'muted', text: CL.time(h.timestamp)})
        ]),
        CL.el('div', {class: 'hit-text'}, snippet(h.text, h.matches)),
        CL.el('a', {href: href, class: 'open', text: 'Open in conversation →'})
      ]));
    }
  }

  function init() {
    const form = document.getElementById('search');
    const q = CL.query.get('q') || '';
    const role = CL.query.get('role') || '';
    form.elements.q.value = q;
    form.elements.role.value = role;
    if (q) run(q, role);
    else form.elements.q.focus();
  }

  document.addEventListener('DOMContentLoaded', init);
})();
