// logback-chatlog viewer: what every page shares. Logged text only ever enters the page as text (textContent,
// createTextNode): never as markup, never as a URL. Links are built from fixed paths and encodeURIComponent.
'use strict';
(function () {
  const CL = {};
  window.CL = CL;

  /** An element with properties and children; 'text' and string children are set as text, never parsed. */
  CL.el = function (tag, props, children) {
    const e = document.createElement(tag);
    if (props) {
      for (const k of Object.keys(props)) {
        const v = props[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === 'text') e.textContent = String(v);
        else if (k === 'class') e.className = v;
        else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
        else if (k === 'dataset') Object.assign(e.dataset, v);
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    CL.append(e, children);
    return e;
  };

  /** Appends children: nodes as they are, anything else as a text node. */
  CL.append = function (parent, children) {
    if (children === null || children === undefined) return parent;
    for (const c of Array.isArray(children) ? children : [children]) {
      if (c === null || c === undefined || c === false) continue;
      parent.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return parent;
  };

  CL.clear = function (node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  };

  CL.query = new URLSearchParams(location.search);

  /** GET a JSON API path; an error answer becomes an Error carrying the server's message. */
  CL.api = async function (path) {
    const r = await fetch(path, {headers: {Accept: 'application/json'}, credentials: 'same-origin'});
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) {
      const err = new Error(body && body.error ? body.error : r.status + ' ' + r.statusText);
      err.status = r.status;
      throw err;
    }
    return body;
  };

  /** The page of one conversation; '.' and '..' would be dot segments in a path, so they go in the query. */
  CL.sessionHref = function (id, conversation, extra) {
    const params = new URLSearchParams();
    let base;
    if (id === '.' || id === '..') {
      base = '/session';
      params.set('id', id);
    } else {
      base = '/sessions/' + encodeURIComponent(id);
    }
    if (conversation) params.set('c', String(conversation));
    if (extra) for (const k of Object.keys(extra)) if (extra[k] !== null && extra[k] !== undefined) params.set(k, String(extra[k]));
    const q = params.toString();
    return base + (q ? '?' + q : '');
  };

  CL.apiSession = function (id) {
    return '/api/sessions/' + encodeURIComponent(id);
  };

  function pad(n) { return n < 10 ? '0' + n : String(n); }

  /** An ISO time as local 'YYYY-MM-DD HH:mm:ss'; '' for none. */
  CL.time = function (iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':'
      + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  };

  CL.clock = function (iso) {
    const t = CL.time(iso);
    return t.length > 11 ? t.slice(11) : t;
  };

  CL.num = function (n) {
    if (n === null || n === undefined || n === '') return '–';
    const v = Number(n);
    return isNaN(v) ? String(n) : v.toLocaleString('en-US');
  };

  CL.ms = function (n) {
    if (n === null || n === undefined) return '–';
    const v = Number(n);
    if (isNaN(v)) return String(n);
    return v >= 1000 ? (v / 1000).toFixed(2) + ' s' : Math.round(v) + ' ms';
  };

  CL.percent = function (rate) {
    if (rate === null || rate === undefined) return '–';
    return (Number(rate) * 100).toFixed(1) + '%';
  };

  /** A message box in place of content. */
  CL.notice = function (container, message, kind) {
    CL.clear(container);
    container.appendChild(CL.el('div', {class: 'notice ' + (kind || 'error'), role: 'alert', text: message}));
  };

  CL.card = function (label, value, detail, kind) {
    return CL.el('div', {class: 'card' + (kind ? ' ' + kind : '')}, [
      CL.el('div', {class: 'card-label', text: label}),
      CL.el('div', {class: 'card-value', text: value}),
      detail ? CL.el('div', {class: 'card-detail', text: detail}) : null
    ]);
  };

  /** The summary cards of the totals of /api/stats. */
  CL.summaryCards = function (container, stats) {
    const t = stats.total;
    CL.clear(container);
    CL.append(container, [
      CL.card('Sessions', CL.num(t.sessions)),
      CL.card('Entries', CL.num(t.entries), CL.num(t.messages) + ' messages · ' + CL.num(t.tool_calls) + ' tool calls'),
      CL.card('Error rate', CL.percent(t.error_rate), CL.num(t.errors) + ' errors · ' + CL.num(stats.master_log_errors)
        + ' in the master log', t.errors > 0 ? 'bad' : null),
      CL.card('Reply latency p50', CL.ms(t.latency_ms_p50), 'p95 ' + CL.ms(t.latency_ms_p95) + ' · p99 '
        + CL.ms(t.latency_ms_p99)),
      CL.card('Tokens', CL.num(t.tokens_out) + ' out', CL.num(t.tokens_in) + ' in · '
        + (t.tokens_per_second === null ? '–' : t.tokens_per_second.toFixed(1) + ' tok/s')),
      CL.card('Low confidence', CL.num(t.low_confidence), CL.num(t.fallbacks) + ' fallbacks', t.low_confidence > 0 ? 'warn' : null)
    ]);
  };

  /** Export links (jsonl, csv, md) for every conversation or one. */
  CL.exportLinks = function (container, session, conversation) {
    CL.clear(container);
    container.appendChild(CL.el('span', {class: 'muted', text: 'Export '}));
    for (const f of ['jsonl', 'csv', 'md']) {
      const p = new URLSearchParams({format: f});
      if (session !== null && session !== undefined) p.set('session', session);
      if (conversation) p.set('conversation', String(conversation));
      container.appendChild(CL.el('a', {class: 'button', href: '/api/export?' + p.toString(), download: '',
        id: 'export-' + f, text: f.toUpperCase()}));
    }
  };

  // live updates: one EventSource per page, shared by the page's handlers
  const handlers = {};
  let source = null;
  CL.onLive = function (event, handler) {
    (handlers[event] = handlers[event] || []).push(handler);
  };
  CL.startLive = function (params) {
    if (source || typeof EventSource === 'undefined') return;
    source = new EventSource('/api/events' + (params ? '?' + params : ''));
    const dot = document.getElementById('live-dot');
    source.addEventListener('ready', function () {
      document.body.dataset.live = 'open';
      if (dot) { dot.className = 'live-dot on'; dot.title = 'live: new entries appear as they are logged'; }
    });
    source.onerror = function () {
      document.body.dataset.live = 'closed';
      if (dot) { dot.className = 'live-dot off'; dot.title = 'live updates reconnecting'; }
    };
    for (const name of ['line', 'entry', 'reset', 'warning']) {
      source.addEventListener(name, function (ev) {
        let data = null;
        try { data = JSON.parse(ev.data); } catch (e) { return; }
        for (const h of handlers[name] || []) h(data);
      });
    }
  };

  function header() {
    const top = document.getElementById('top');
    if (!top) return;
    const page = document.body.dataset.page;
    const link = function (href, label, name) {
      return CL.el('a', {href: href, class: 'nav' + (page === name ? ' active' : ''), text: label});
    };
    const form = CL.el('form', {class: 'top-search', action: '/search', method: 'get', role: 'search'}, [
      CL.el('input', {type: 'search', name: 'q', placeholder: 'Search conversations', 'aria-label': 'search',
        maxlength: '1000'})
    ]);
    const q = CL.query.get('q');
    if (page === 'search' && q) form.querySelector('input').value = q;
    CL.append(top, [
      CL.el('a', {href: '/', class: 'brand'}, [CL.el('img', {src: '/assets/icon.svg', alt: '', width: '22', height: '22'}),
        CL.el('span', {text: 'chatlog'})]),
      CL.el('nav', {class: 'links'}, [link('/', 'Sessions', 'sessions'), link('/search', 'Search', 'search'),
        link('/stats', 'Statistics', 'stats'), link('/live', 'Live', 'live')]),
      form,
      CL.el('span', {id: 'source', class: 'source muted'}),
      CL.el('span', {id: 'live-dot', class: 'live-dot off', title: 'live updates connecting'})
    ]);
    CL.api('/api/info').then(function (info) {
      const s = document.getElementById('source');
      s.textContent = info.source + ': ' + info.location;
      s.title = 'logback-chatlog ' + info.version + ' · times in your browser\u2019s zone';
    }).catch(function () { /* the page says what failed */ });
  }

  document.addEventListener('DOMContentLoaded', header);
})();
