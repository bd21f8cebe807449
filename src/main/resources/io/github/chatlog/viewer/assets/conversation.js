// One conversation as a chat: bubbles, a metadata line per reply, tool calls, decisions and errors in place. Entries
// are fetched a page at a time and at most MAX_SHOWN are in the document, so a session of 10,000 entries stays quick.
'use strict';
(function () {
  const PAGE = 200;
  const MAX_SHOWN = 1000;
  const ROLES = ['user', 'assistant', 'system', 'tool', 'note'];
  const LABELS = {user: 'User', assistant: 'Assistant', system: 'System', tool: 'Tool', note: 'Note'};
  let id = null;
  let conversation = null;
  let lo = 0;
  let hi = 0;
  let total = 0;
  let loading = false;
  let chat;
  let before;
  let after;

  function sessionId() {
    const prefix = '/sessions/';
    if (location.pathname.indexOf(prefix) === 0) return decodeURIComponent(location.pathname.slice(prefix.length));
    return CL.query.get('id');
  }

  async function fetchPage(offset, last) {
    const p = new URLSearchParams({limit: String(PAGE)});
    if (conversation) p.set('conversation', String(conversation));
    if (last) p.set('last', '1');
    else p.set('offset', String(offset));
    return CL.api(CL.apiSession(id) + '?' + p.toString());
  }

  function seconds(ms) {
    return (Number(ms) / 1000).toFixed(2) + 's';
  }

  /** The metadata line of a reply, in the order the text transcripts give it. */
  function metadataLine(e) {
    const m = e.metadata;
    const parts = [];
    const add = function (label, value, cls) {
      parts.push(CL.el('span', {class: 'meta-item' + (cls ? ' ' + cls : '')}, [
        label ? CL.el('span', {class: 'meta-key', text: label + ' '}) : null, String(value)]));
    };
    if (m.provider !== undefined) add('', m.provider);
    if (m.model !== undefined) add('', m.model, 'model');
    if (m.latency_ms !== undefined) add('time', seconds(m.latency_ms));
    if (m.ttft_ms !== undefined) add('ttft', seconds(m.ttft_ms));
    if (m.tokens !== undefined) add('tokens', m.tokens);
    if (m.tokens_in !== undefined) add('in', m.tokens_in);
    if (m.tokens !== undefined && m.latency_ms !== undefined && Number(m.latency_ms) > 0) {
      add('speed', (Number(m.tokens) / (Number(m.latency_ms) / 1000)).toFixed(2) + ' tok/s');
    }
    if (m.confidence !== undefined) add('confidence', m.confidence, Number(m.confidence) < 0.5 ? 'low' : null);
    if (m.fallback_from !== undefined) add('fallback from', m.fallback_from, 'warn');
    if (m.stream !== undefined) add('stream', m.stream);
    for (const k of Object.keys(e.extra)) add(k, e.extra[k]);
    if (parts.length === 0) return null;
    return CL.el('div', {class: 'meta'}, parts);
  }

  /** Arguments that are JSON are shown indented; anything else as it is. */
  function pretty(text) {
    if (text === undefined || text === null) return '';
    try {
      const v = JSON.parse(text);
      if (v !== null && typeof v === 'object') return JSON.stringify(v, null, 2);
    } catch (e) { /* not JSON */ }
    return String(text);
  }

  function entryNode(e) {
    const roleClass = ROLES.indexOf(e.role) >= 0 ? e.role : 'other';
    const node = CL.el('article', {class: 'entry ' + e.type.replace(/[^a-z_]/g, '') + ' role-' + roleClass,
      id: 'entry-' + e.index, dataset: {index: String(e.index)}});
    const who = e.type === 'tool_call' ? 'Tool call' : e.type === 'decision' ? 'Decision' : e.type === 'error' ? 'Error'
      : Object.prototype.hasOwnProperty.call(LABELS, e.role) ? LABELS[e.role] : e.role;
    node.appendChild(CL.el('div', {class: 'who'}, [CL.el('span', {class: 'role', text: who}),
      CL.el('time', {datetime: e.timestamp || '', title: e.timestamp || '', text: CL.time(e.timestamp)})]));
    let body;
    if (e.type === 'tool_call') {
      body = CL.el('div', {class: 'card-body'}, [
        CL.el('div', {class: 'tool-name'}, [CL.el('code', {text: e.tool || '?'})]),
        e.content ? CL.el('div', {class: 'text', text: e.content}) : null,
        CL.el('div', {class: 'label', text: 'Arguments'}), CL.el('pre', {class: 'code', text: pretty(e.args)}),
        e.result !== undefined ? CL.el('div', {class: 'label', text: 'Result'}) : null,
        e.result !== undefined ? CL.el('pre', {class: 'code', text: pretty(e.result)}) : null
      ]);
    } else if (e.type === 'decision') {
      body = CL.el('div', {class: 'card-body'}, [CL.el('div', {class: 'text', text: e.content}),
        e.rationale !== undefined ? CL.el('div', {class: 'rationale'}, [CL.el('span', {class: 'label', text: 'Rationale '}),
          e.rationale]) : null]);
    } else if (e.type === 'error') {
      body = CL.el('div', {class: 'card-body'}, [
        e.error ? CL.el('div', {class: 'error-line'}, [CL.el('strong', {text: e.error.type}),
          e.error.message !== null ? ': ' + e.error.message : '']) : null,
        e.content ? CL.el('div', {class: 'text', text: e.error ? 'Context: ' + e.content : e.content}) : null]);
    } else {
      body = CL.el('div', {class: 'bubble text', text: e.content});
    }
    node.appendChild(body);
    const meta = metadataLine(e);
    if (meta) node.appendChild(meta);
    return node;
  }

  function shown() {
    return chat.querySelectorAll('article.entry').length;
  }

  /** The paging buttons: made once and updated in place, so a click never lands on a button that was just replaced. */
  let buttons = null;

  function controls() {
    if (!buttons) {
      buttons = {
        earlier: CL.el('button', {type: 'button', id: 'load-earlier', onclick: loadEarlier}),
        first: CL.el('button', {type: 'button', class: 'quiet', id: 'jump-first', text: 'Jump to first',
          onclick: function () { jump(false); }}),
        later: CL.el('button', {type: 'button', id: 'load-later', onclick: loadLater}),
        latest: CL.el('button', {type: 'button', class: 'quiet', id: 'jump-latest', text: 'Jump to latest',
          onclick: function () { jump(true); }})
      };
      CL.append(CL.clear(before), [buttons.earlier]);
      CL.append(CL.clear(after), [buttons.later]);
      // the jumps sit in the toolbar: reachable without scrolling, where reaching the end would load the next page
      CL.append(CL.clear(document.getElementById('jumps')), [buttons.first, buttons.latest]);
    }
    buttons.first.hidden = lo <= 0;
    buttons.latest.hidden = hi >= total;
    before.hidden = lo <= 0;
    buttons.earlier.textContent = 'Load earlier entries (' + CL.num(lo) + ' more)';
    after.hidden = hi >= total;
    buttons.later.textContent = 'Load later entries (' + CL.num(total - hi) + ' more)';
    const count = document.getElementById('entry-count');
    if (count) count.textContent = CL.num(total) + ' entries' + (total > hi - lo ? ' (showing ' + CL.num(lo + 1) + '–'
      + CL.num(hi) + ')' : '');
  }

  function failed(e) {
    const box = document.getElementById('paging-error') || chat.appendChild(CL.el('div', {id: 'paging-error'}));
    CL.notice(box, 'Entries could not be read: ' + e.message);
  }

  function appendEntries(entries) {
    for (const e of entries) chat.insertBefore(entryNode(e), after);
    hi = lo + shown();
    while (shown() > MAX_SHOWN) {
      chat.removeChild(chat.querySelector('article.entry'));
      lo++;
    }
  }

  async function loadLater() {
    if (loading || hi >= total) return;
    loading = true;
    try {
      const page = await fetchPage(hi, false);
      total = page.total;
      appendEntries(page.entries.filter(function (e) { return e.index >= hi; }));
      controls();
    } catch (e) {
      failed(e);
    } finally {
      loading = false;
    }
  }

  async function loadEarlier() {
    if (loading || lo <= 0) return;
    loading = true;
    try {
      const from = Math.max(0, lo - PAGE);
      const page = await fetchPage(from, false);
      total = page.total;
      const height = document.documentElement.scrollHeight;
      const first = chat.querySelector('article.entry');
      for (const e of page.entries) if (e.index < lo) chat.insertBefore(entryNode(e), first);
      lo = from;
      const all = chat.querySelectorAll('article.entry');
      for (let i = all.length - 1, excess = all.length - MAX_SHOWN; excess > 0; i--, excess--) {
        chat.removeChild(all[i]);
      }
      hi = lo + shown();
      window.scrollBy(0, document.documentElement.scrollHeight - height);
      controls();
    } catch (e) {
      failed(e);
    } finally {
      loading = false;
    }
  }

  async function jump(latest) {
    loading = true;
    try {
      const page = await fetchPage(0, latest);
      for (const n of Array.from(chat.querySelectorAll('article.entry'))) chat.removeChild(n);
      total = page.total;
      lo = page.offset;
      hi = lo;
      appendEntries(page.entries);
      controls();
      window.scrollTo(0, latest ? document.documentElement.scrollHeight : 0);
    } catch (e) {
      failed(e);
    } finally {
      loading = false;
    }
  }

  function head(c) {
    const h = CL.clear(document.getElementById('head'));
    document.title = c.session_id + ' · chatlog viewer';
    const select = c.conversations.length > 1 ? CL.el('select', {id: 'conversation', 'aria-label': 'conversation',
      onchange: function (ev) { location.href = CL.sessionHref(c.session_id, ev.target.value); }}) : null;
    if (select) {
      for (const k of c.conversations) {
        select.appendChild(CL.el('option', {value: String(k.conversation), text: 'Conversation ' + k.conversation + ' of '
          + c.conversations.length + ' · ' + CL.time(k.started) + ' · ' + CL.num(k.entries) + ' entries'}));
      }
      select.value = String(c.conversation);
    }
    const exports = CL.el('span', {class: 'exports'});
    CL.exportLinks(exports, c.session_id, c.conversations.length > 1 ? c.conversation : null);
    CL.append(h, [
      CL.el('div', {class: 'crumbs'}, [CL.el('a', {href: '/', text: 'Sessions'}), ' / ']),
      CL.el('h1', {id: 'session-title'}, [CL.el('span', {class: 'session-id', text: c.session_id}),
        CL.el('span', {class: 'chip ' + (c.ended ? '' : 'open'), text: c.ended ? 'ended' : 'open'})]),
      CL.el('div', {class: 'conv-meta muted'}, [
        'Started ' + CL.time(c.started) + (c.ended ? ' · ended ' + CL.time(c.ended) : '') + ' · ',
        CL.el('span', {id: 'entry-count'}),
        ' · ' + CL.num(c.turns) + ' turns · ' + CL.num(c.tokens) + ' tokens · ',
        CL.el('span', {class: c.errors > 0 ? 'bad' : '', text: CL.num(c.errors) + ' errors'}),
        c.file ? ' · ' + c.file : ''
      ]),
      CL.el('div', {class: 'toolbar'}, [select, CL.el('span', {id: 'jumps', class: 'jumps'}),
        CL.el('span', {class: 'spacer'}), exports])
    ]);
  }

  function onEntry(ev) {
    if (ev.session_id !== id || ev.conversation !== conversation) return;
    const e = ev.entry;
    if (e.index < hi) return;
    total = Math.max(total, e.index + 1);
    if (e.index === hi && !loading) {
      const nearBottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 120;
      appendEntries([e]);
      if (nearBottom) window.scrollTo(0, document.documentElement.scrollHeight);
    }
    controls();
  }

  async function init() {
    chat = document.getElementById('chat');
    before = CL.el('div', {class: 'more before'});
    after = CL.el('div', {class: 'more after'});
    chat.appendChild(before);
    chat.appendChild(after);
    id = sessionId();
    conversation = CL.query.get('c') ? parseInt(CL.query.get('c'), 10) : null;
    const at = CL.query.get('at') !== null ? Math.max(0, parseInt(CL.query.get('at'), 10) || 0) : null;
    let first;
    try {
      first = await fetchPage(at === null ? 0 : Math.max(0, at - 20), false);
    } catch (e) {
      CL.notice(document.getElementById('head'), e.status === 404 ? 'No conversation of this session: ' + e.message : e.message);
      return;
    }
    conversation = first.conversation;
    total = first.total;
    lo = first.offset;
    hi = lo;
    head(first);
    appendEntries(first.entries);
    controls();
    if (at !== null) {
      const target = document.getElementById('entry-' + at);
      if (target) {
        target.classList.add('target');
        target.scrollIntoView({block: 'center'});
      }
    }
    if ('IntersectionObserver' in window) {
      // the next page comes as the reader scrolls near the end (not while the page is still settling at the top)
      new IntersectionObserver(function (seen) {
        if (window.scrollY > 0 && seen.some(function (s) { return s.isIntersecting; })) loadLater();
      }, {rootMargin: '400px'}).observe(after);
    }
    CL.onLive('entry', onEntry);
    CL.startLive();
  }

  document.addEventListener('DOMContentLoaded', init);
})();
