/*
 * The script of ctix's report.html (docs/report-html.md). It reads the
 * analysis that the page embeds as JSON (a script element of type application/json,
 * id "ctix-data") and builds every section from it: summary and risk,
 * timeline, ATT&CK heatmap, observables, entities and resemblance, the
 * interactive graph of the STIX bundle (cytoscape.js, bundled before this
 * file by web/build.mjs), Sigma rules, countermeasures, response checklist
 * and the article text with evidence highlighting.
 *
 * Everything taken from the analysis is attacker-controlled text: it only
 * ever reaches the page through textContent or attribute values set with
 * the DOM API, never as markup, and no URL from it is made a link.
 */
(function () {
  'use strict';

  var data;
  try {
    data = JSON.parse(document.getElementById('ctix-data').textContent);
  } catch (e) {
    data = {};
  }
  var text = typeof data.text === 'string' ? data.text : '';
  var bytes = null;      /* UTF-8 of the text: offsets in the data are byte offsets */
  var decoder = null;

  /* ------------------------------------------------------------ helpers */

  /* Bidirectional controls (U+202E right-to-left override and the others)
   * shown as visible marks such as '\u27e8U+202E\u27e9': in a value or in the
   * article they would reorder what the page shows ("inv<U+202E>fdp.exe"
   * displayed as "invexe.pdf"). Only what is shown changes: values keep
   * their bytes for search and copy. */
  var BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
  function vis(s) {
    return String(s).replace(BIDI, function (c) {
      return '\u27e8U+' + ('000' + c.charCodeAt(0).toString(16).toUpperCase()).slice(-4) + '\u27e9';
    });
  }

  /* Element with attributes (set through the DOM) and children (strings become
   * text); text and titles go through vis(). */
  function el(tag, attrs) {
    var e = document.createElement(tag), k, i, c;
    if (attrs) {
      for (k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] == null) continue;
        if (k === 'class') e.className = attrs[k];
        else if (k === 'text') e.textContent = vis(attrs[k]);
        else if (k === 'title') e.setAttribute(k, vis(attrs[k]));
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
        else e.setAttribute(k, String(attrs[k]));
      }
    }
    for (i = 2; i < arguments.length; i++) {
      c = arguments[i];
      if (c == null) continue;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(vis(c)) : c);
    }
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function arr(x) { return Array.isArray(x) ? x : []; }
  function str(x) { return x == null ? '' : String(x); }
  function pct(x) { return Math.round((Number(x) || 0) * 100) + '%'; }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function empty(msg) { return el('p', { class: 'empty', text: msg }); }

  /* Text of doc bytes [s, e), or '' when the text is absent or the span invalid. */
  function slice(s, e) {
    if (!text || !(s >= 0) || !(e >= s)) return '';
    if (!bytes) { bytes = new TextEncoder().encode(text); decoder = new TextDecoder(); }
    if (e > bytes.length) return '';
    return decoder.decode(bytes.subarray(s, e));
  }

  var toastTimer = null;
  function toast(msg) {
    var t = $('toast');
    t.textContent = msg;
    t.classList.add('show');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.classList.remove('show'); }, 1400);
  }

  /* Copies text to the clipboard (the async API needs a secure context: fall back). */
  function copy(value) {
    function fallback() {
      var ta = el('textarea', { class: 'no-print' });
      ta.value = value;
      document.body.appendChild(ta);
      ta.select();
      try { document.execCommand('copy'); toast('Copied'); } catch (e) { toast('Copy failed'); }
      document.body.removeChild(ta);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(function () { toast('Copied'); }, fallback);
    } else {
      fallback();
    }
  }

  /* Offers `content` as a file download (a blob: URL, revoked afterwards). */
  function download(name, content, type) {
    var url = URL.createObjectURL(new Blob([content], { type: type }));
    var a = el('a', { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  /* ------------------------------------------------------------ article and evidence */

  /* Shows the article with the byte spans [[s, e], ...] marked and the first one in view. */
  function highlight(spans) {
    var art = $('article-text');
    if (!art || !text) return;
    if (!bytes) slice(0, 0);
    var list = arr(spans).filter(function (p) {
      return p && p[0] >= 0 && p[1] > p[0] && p[1] <= bytes.length;
    }).sort(function (a, b) { return a[0] - b[0]; });
    clear(art);
    var pos = 0, first = null;
    list.forEach(function (p) {
      var s = Math.max(p[0], pos);
      if (p[1] <= s) return;
      if (s > pos) art.appendChild(document.createTextNode(vis(decoder.decode(bytes.subarray(pos, s)))));
      var m = el('mark', null, decoder.decode(bytes.subarray(s, p[1])));
      art.appendChild(m);
      if (!first) first = m;
      pos = p[1];
    });
    if (pos < bytes.length) art.appendChild(document.createTextNode(vis(decoder.decode(bytes.subarray(pos)))));
    if (first) {
      var top = first.offsetTop - art.offsetTop - 40;
      art.scrollTop = top > 0 ? top : 0;
    }
  }

  /* Fills the evidence panel: a title, then one quote per span with its notes. */
  function showEvidence(title, items) {
    var box = $('evidence');
    clear(box);
    box.classList.remove('hidden');
    box.appendChild(el('h3', { text: title }));
    if (!items.length) box.appendChild(empty('No evidence recorded.'));
    items.forEach(function (it) {
      var q = el('blockquote', { class: 'ev-sentence' }, slice(it.start, it.end) || '(text not included)');
      box.appendChild(q);
      if (it.note) box.appendChild(el('div', { class: 'muted', text: it.note }));
    });
    if (text && items.length) {
      box.appendChild(el('button', { class: 'no-print', text: 'Show in article', onclick: function () {
        $('article').scrollIntoView();
      } }));
    }
    highlight(items.map(function (it) { return [it.start, it.end]; }));
  }

  /* ------------------------------------------------------------ summary and risk */

  function renderSummary() {
    var m = data.meta || {}, box = $('summary-body');
    var dl = el('dl', { class: 'facts' });
    [['Source', m.source], ['Author', m.author], ['Published', m.published], ['URL', m.url],
     ['Site', m.site], ['Format', m.format], ['Words', data.stats && data.stats.words]].forEach(function (r) {
      if (r[1] != null && r[1] !== '') dl.appendChild(el('dt', { text: r[0] })), dl.appendChild(el('dd', { text: str(r[1]) }));
    });
    var t = arr(data.techniques), iocs = arr(data.iocs), ents = arr(data.entities);
    var nobs = t.filter(function (x) { return x.status === 'observed'; }).length;
    var nioc = iocs.filter(function (x) { return x.status === 'ioc'; }).length;
    dl.appendChild(el('dt', { text: 'Techniques' }));
    dl.appendChild(el('dd', { text: t.length + ' (' + nobs + ' observed)' }));
    dl.appendChild(el('dt', { text: 'Observables' }));
    dl.appendChild(el('dd', { text: iocs.length + ' (' + nioc + ' indicators)' }));
    dl.appendChild(el('dt', { text: 'Entities' }));
    dl.appendChild(el('dd', { text: String(ents.length) }));
    box.appendChild(dl);

    var risk = data.risk, rb = $('risk-body');
    if (!risk) { rb.appendChild(empty('No risk assessment in this analysis.')); return; }
    var lvl = str(risk.level).replace(/[^a-z]/g, '');
    rb.appendChild(el('div', { class: 'risk' },
      el('div', { class: 'score lvl-' + lvl, id: 'risk-score', text: str(risk.score) }),
      el('div', null, el('div', { class: 'level lvl-' + lvl, text: str(risk.level) }),
        el('div', { class: 'muted', text: 'score out of 100' }))));
    var f = arr(risk.factors);
    if (!f.length) { rb.appendChild(empty('No risk factor fired.')); return; }
    var tb = el('tbody');
    f.forEach(function (x) {
      var c = Number(x.contribution) || 0;
      tb.appendChild(el('tr', null, el('td', { text: str(x.label || x.key) }),
        el('td', { class: 'num' + (c < 0 ? ' neg' : ''), text: (c > 0 ? '+' : '') + c.toFixed(1) }),
        el('td', { text: str(x.evidence) })));
    });
    rb.appendChild(el('table', null, el('thead', null, el('tr', null, el('th', { text: 'Factor' }),
      el('th', { class: 'num', text: 'Points' }), el('th', { text: 'Evidence' }))), tb));
  }

  function renderTimeline() {
    var box = $('timeline-body'), ev = arr(data.timeline);
    if (!ev.length) { box.appendChild(empty('No dated events found.')); return; }
    var ol = el('ol', { class: 'timeline' });
    ev.forEach(function (e) {
      ol.appendChild(el('li', null, el('span', { class: 'when', text: e.date || 'undated' }),
        el('span', { text: str(e.what) }), ' ',
        el('span', { class: 'muted', text: '(' + str(e.expression) + (e.relative ? ', relative' : '') + ')' }), ' ',
        text ? el('button', { class: 'no-print', text: 'evidence', onclick: function () {
          showEvidence(str(e.date || e.expression), [{ start: e.sentence_start, end: e.sentence_end }]);
          $('evidence').scrollIntoView();
        } }) : null));
    });
    box.appendChild(ol);
  }

  /* ------------------------------------------------------------ ATT&CK heatmap */

  function confClass(c) {
    c = Number(c) || 0;
    return 'conf' + (c >= 0.9 ? 4 : c >= 0.75 ? 3 : c >= 0.6 ? 2 : c >= 0.4 ? 1 : 0);
  }

  /* " (ICS)" or " (Mobile)" after a technique of another ATT&CK domain than Enterprise. */
  var domainLabels = { mobile: 'Mobile', ics: 'ICS' };
  function domainNote(t) {
    return domainLabels[t.domain] ? ' (' + domainLabels[t.domain] + ')' : '';
  }

  function techniqueEvidence(t) {
    showEvidence(t.id + domainNote(t) + ' ' + str(t.name) + ' (' + str(t.status) + ', ' + pct(t.confidence) + ')',
      arr(t.evidence).map(function (e) {
        return { start: e.start, end: e.end,
          note: str(e.status) + ', score ' + pct(e.score) + (arr(e.why).length ? ': ' + arr(e.why).join(', ') : '') };
      }));
  }

  function renderMatrix() {
    var box = $('attack-body'), techs = arr(data.techniques);
    if (!techs.length) { box.appendChild(empty('No ATT&CK technique in this analysis.')); return; }
    var cols = arr(data.tactics).slice(), byTactic = {}, known = {};
    cols.forEach(function (c) { known[c.key] = true; });
    techs.forEach(function (t) {
      var tac = arr(t.tactics).length ? t.tactics : ['(no tactic)'];
      tac.forEach(function (k) {
        if (!known[k]) { known[k] = true; cols.push({ key: k, name: k }); }
        (byTactic[k] = byTactic[k] || []).push(t);
      });
    });
    var m = el('div', { class: 'matrix', id: 'matrix' });
    cols.forEach(function (c) {
      var list = byTactic[c.key];
      if (!list) return;
      var col = el('div', { class: 'tactic' }, el('h4', { text: str(c.name) + ' (' + list.length + ')' }));
      list.forEach(function (t) {
        var b = el('button', { class: 'tcell ' + confClass(t.confidence) + ' ' + str(t.status).replace(/[^a-z]/g, ''),
          'data-technique': str(t.id), title: str(t.name) + domainNote(t) + ': ' + str(t.status) + ', confidence ' + pct(t.confidence),
          onclick: function () {
            Array.prototype.forEach.call(document.querySelectorAll('.tcell.selected'), function (x) { x.classList.remove('selected'); });
            b.classList.add('selected');
            techniqueEvidence(t);
          } }, el('span', { class: 'tid', text: str(t.id) + domainNote(t) }), str(t.name));
        col.appendChild(b);
      });
      m.appendChild(col);
    });
    var lg = el('div', { class: 'legend' }, 'Confidence:',
      el('span', null, el('span', { class: 'swatch conf0' }), '< 40%'),
      el('span', null, el('span', { class: 'swatch conf1' }), '40-59%'),
      el('span', null, el('span', { class: 'swatch conf2' }), '60-74%'),
      el('span', null, el('span', { class: 'swatch conf3' }), '75-89%'),
      el('span', null, el('span', { class: 'swatch conf4' }), '>= 90%'),
      el('span', null, el('span', { class: 'swatch conf2' }), 'observed (solid)'),
      el('span', null, el('span', { class: 'swatch conf2 potential' }), 'potential (hatched, dashed)'),
      'Click a technique to see its evidence.');
    box.appendChild(lg);
    box.appendChild(m);
  }

  /* ------------------------------------------------------------ observables */

  function renderIocs() {
    var box = $('iocs-body'), iocs = arr(data.iocs);
    if (!iocs.length) { box.appendChild(empty('No observable found.')); return; }
    var types = {}, statuses = {};
    iocs.forEach(function (x) { types[x.type] = (types[x.type] || 0) + 1; statuses[x.status] = (statuses[x.status] || 0) + 1; });
    var selType = el('select', { id: 'ioc-type', 'aria-label': 'type' }, el('option', { value: '', text: 'all types' }));
    Object.keys(types).sort().forEach(function (k) { selType.appendChild(el('option', { value: k, text: k + ' (' + types[k] + ')' })); });
    var selStatus = el('select', { id: 'ioc-status', 'aria-label': 'status' }, el('option', { value: '', text: 'all statuses' }));
    ['ioc', 'benign', 'rejected'].forEach(function (k) {
      if (statuses[k]) selStatus.appendChild(el('option', { value: k, text: k + ' (' + statuses[k] + ')' }));
    });
    var search = el('input', { id: 'ioc-search', type: 'search', placeholder: 'search', 'aria-label': 'search' });
    var fanged = el('input', { id: 'ioc-fanged', type: 'checkbox' });
    var count = el('span', { class: 'muted', id: 'ioc-count' });
    var tbody = el('tbody', { id: 'ioc-rows' });
    var rows = iocs.map(function (x) {
      var valCell = el('td', { class: 'value mono' });
      var tr = el('tr', { 'data-type': str(x.type), 'data-status': str(x.status) },
        el('td', { text: str(x.type) }), valCell,
        el('td', null, el('span', { class: 'badge st-' + str(x.status).replace(/[^a-z]/g, ''), text: str(x.status) })),
        el('td', { text: str(x.reason) }), el('td', { class: 'num', text: str(x.hits) }),
        el('td', { class: 'no-print' },
          el('button', { class: 'copy', text: 'copy', title: 'copy as shown', onclick: function () {
            copy(fanged.checked ? str(x.value) : str(x.defanged || x.value));
          } }), ' ',
          text ? el('button', { text: 'show', onclick: function () {
            showEvidence(str(x.type) + ' ' + str(x.defanged || x.value), arr(x.spans).map(function (p) { return { start: p[0], end: p[1] }; }));
            $('evidence').scrollIntoView();
          } }) : null));
      return { x: x, tr: tr, val: valCell };
    });
    function visible() { return rows.filter(function (r) { return !r.tr.classList.contains('hidden'); }); }
    function apply() {
      var t = selType.value, s = selStatus.value, q = search.value.toLowerCase(), n = 0;
      rows.forEach(function (r) {
        var ok = (!t || r.x.type === t) && (!s || r.x.status === s) &&
          (!q || str(r.x.value).toLowerCase().indexOf(q) >= 0 || str(r.x.original).toLowerCase().indexOf(q) >= 0);
        r.tr.classList.toggle('hidden', !ok);
        r.val.textContent = vis(fanged.checked ? str(r.x.value) : str(r.x.defanged || r.x.value));
        if (ok) n++;
      });
      count.textContent = n + ' of ' + rows.length + ' shown';
    }
    function csvField(v) {
      v = str(v);
      if (/^[=+\-@\t\r]/.test(v)) v = "'" + v;   /* no formula injection in spreadsheets */
      return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
    }
    var bar = el('div', { class: 'toolbar' }, selType, selStatus, search,
      el('label', null, fanged, ' fanged values'), count,
      el('button', { id: 'ioc-copy', text: 'Copy shown', onclick: function () {
        copy(visible().map(function (r) { return fanged.checked ? str(r.x.value) : str(r.x.defanged || r.x.value); }).join('\n'));
      } }),
      el('button', { id: 'ioc-csv', text: 'Export CSV', onclick: function () {
        var lines = ['type,value,defanged,status,reason,occurrences'];
        visible().forEach(function (r) {
          lines.push([r.x.type, r.x.value, r.x.defanged || r.x.value, r.x.status, r.x.reason, r.x.hits].map(csvField).join(','));
        });
        download('iocs.csv', lines.join('\r\n') + '\r\n', 'text/csv');
      } }));
    [selType, selStatus, fanged].forEach(function (e) { e.addEventListener('change', apply); });
    search.addEventListener('input', apply);
    rows.forEach(function (r) { tbody.appendChild(r.tr); });
    if (statuses.ioc) selStatus.value = 'ioc';
    box.appendChild(bar);
    box.appendChild(el('table', { id: 'ioc-table' }, el('thead', null, el('tr', null, el('th', { text: 'Type' }),
      el('th', { text: 'Value' }), el('th', { text: 'Status' }), el('th', { text: 'Reason' }),
      el('th', { class: 'num', text: 'Seen' }), el('th', { class: 'no-print' }))), tbody));
    apply();
  }

  /* ------------------------------------------------------------ entities */

  var KIND_TITLES = [['group', 'Threat actors'], ['malware', 'Malware'], ['tool', 'Tools'], ['campaign', 'Campaigns'],
    ['vulnerability', 'Vulnerabilities'], ['victim', 'Victims'], ['sector', 'Sectors'], ['location', 'Countries and regions']];

  function entitySpans(e) { return arr(e.mentions).map(function (p) { return { start: p[0], end: p[1] }; }); }

  function renderEntities() {
    var box = $('entities-body'), ents = arr(data.entities), any = false;
    KIND_TITLES.forEach(function (k) {
      var list = ents.filter(function (e) { return e.kind === k[0]; });
      if (!list.length) return;
      any = true;
      var tb = el('tbody');
      list.forEach(function (e) {
        var extra = [];
        if (e.kind === 'vulnerability') {
          if (e.kev) extra.push('KEV since ' + str(e.kev_date_added) + (e.kev_ransomware ? ', ransomware use' : ''));
          if (e.vendor || e.product) extra.push(str(e.vendor) + ' ' + str(e.product));
        }
        tb.appendChild(el('tr', null, el('td', { text: str(e.name) }), el('td', { class: 'mono', text: str(e.id) }),
          el('td', { text: (e.known ? 'known' : 'new name') + (e.role ? ', ' + e.role : '') }),
          el('td', { text: [str(e.evidence)].concat(extra).filter(Boolean).join('; ') }),
          el('td', { class: 'num', text: pct(e.confidence) }),
          el('td', { class: 'no-print' }, text && arr(e.mentions).length ? el('button', { text: 'mentions (' + e.mentions.length + ')',
            onclick: function () { showEvidence(str(e.name), entitySpans(e)); $('evidence').scrollIntoView(); } }) : null)));
      });
      box.appendChild(el('h3', { text: k[1] }));
      box.appendChild(el('table', { class: 'entities', 'data-kind': k[0] }, el('thead', null, el('tr', null,
        el('th', { text: 'Name' }), el('th', { text: 'Id' }), el('th', { text: 'Status' }), el('th', { text: 'Evidence' }),
        el('th', { class: 'num', text: 'Confidence' }), el('th', { class: 'no-print' }))), tb));
    });
    if (!any) box.appendChild(empty('No actor, malware, campaign or other entity in this analysis.'));
    var res = arr(data.resemblances);
    box.appendChild(el('h3', { text: 'Resemblance candidates' }));
    box.appendChild(el('p', { class: 'muted', text: 'Groups and campaigns whose known techniques and software resemble this report. A resemblance is not an attribution.' }));
    if (!res.length) { box.appendChild(empty('No candidate.')); return; }
    var tb = el('tbody');
    res.forEach(function (r) {
      tb.appendChild(el('tr', null, el('td', { class: 'mono', text: str(r.id) }), el('td', { text: str(r.name) }),
        el('td', { text: str(r.kind) }), el('td', { class: 'num', text: pct(r.score) }),
        el('td', { text: arr(r.shared_techniques).concat(arr(r.shared_software)).join(', ') })));
    });
    box.appendChild(el('table', { id: 'resemblance' }, el('thead', null, el('tr', null, el('th', { text: 'Id' }),
      el('th', { text: 'Name' }), el('th', { text: 'Kind' }), el('th', { class: 'num', text: 'Score' }),
      el('th', { text: 'Shared techniques and software' }))), tb));
  }

  /* ------------------------------------------------------------ graph of the STIX bundle */

  var SDO = ['attack-pattern', 'campaign', 'course-of-action', 'grouping', 'identity', 'incident', 'indicator',
    'infrastructure', 'intrusion-set', 'location', 'malware', 'malware-analysis', 'note', 'observed-data',
    'opinion', 'report', 'threat-actor', 'tool', 'vulnerability'];
  var cy = null, nodeTypes = [];

  function cssVar(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888'; }
  function typeColor(t) { return cssVar(SDO.indexOf(t) >= 0 && cssVar('--n-' + t) !== '#888' ? '--n-' + t : '--n-other'); }

  function extId(o) {
    var r = arr(o.external_references);
    for (var i = 0; i < r.length; i++) if (r[i] && r[i].external_id) return str(r[i].external_id);
    return '';
  }
  function ctixExt(o) {
    var x = o.extensions || {}, k;
    for (k in x) if (Object.prototype.hasOwnProperty.call(x, k) && x[k] && x[k].extension_type === 'property-extension') return x[k];
    return null;
  }
  function label(o) {
    var id = extId(o), n = str(o.name || o.abstract || o.type);
    if (n.length > 40) n = n.slice(0, 38) + '…';
    n = vis(n); /* after the cut, so that no mark is cut in half */
    return id && o.type === 'attack-pattern' ? id + ' ' + n : n;
  }

  function graphStyle() {
    var st = [
      { selector: 'node', style: { 'background-color': 'data(color)', label: 'data(label)', 'font-size': 9,
        color: cssVar('--fg'), 'text-valign': 'bottom', 'text-margin-y': 3, width: 16, height: 16,
        'text-max-width': 110, 'text-wrap': 'ellipsis', 'min-zoomed-font-size': 7 } },
      { selector: 'edge', style: { width: 1, 'line-color': cssVar('--line'), 'target-arrow-color': cssVar('--line'),
        'target-arrow-shape': 'triangle', 'arrow-scale': 0.6, 'curve-style': 'haystack', opacity: 0.8 } },
      { selector: 'node[type = "report"]', style: { shape: 'round-rectangle', width: 26, height: 26 } },
      { selector: 'node[type = "attack-pattern"]', style: { shape: 'round-rectangle' } },
      { selector: 'node[type = "intrusion-set"], node[type = "threat-actor"]', style: { shape: 'star', width: 24, height: 24 } },
      { selector: 'node[type = "malware"], node[type = "tool"]', style: { shape: 'diamond', width: 20, height: 20 } },
      { selector: 'node[type = "indicator"]', style: { shape: 'triangle' } },
      { selector: 'node[type = "vulnerability"]', style: { shape: 'hexagon' } },
      { selector: 'node[type = "course-of-action"]', style: { width: 10, height: 10 } },
      { selector: 'node:selected', style: { 'border-width': 3, 'border-color': cssVar('--accent') } },
      { selector: 'node.match', style: { 'border-width': 3, 'border-color': cssVar('--mark') , width: 24, height: 24 } },
      { selector: '.faded', style: { opacity: 0.15 } }
    ];
    return st;
  }

  var RING = { report: 7, 'intrusion-set': 6, 'threat-actor': 6, campaign: 5, malware: 5, tool: 5,
    'attack-pattern': 4, vulnerability: 4, identity: 3, location: 3, indicator: 2, note: 2, 'course-of-action': 1 };

  /* Layout options: the force-directed 'cose' reads best but costs O(n^2) per
     step, so past COSE_MAX nodes the page opens with rings by kind and cose
     stays one click away. */
  var COSE_MAX = 150;
  function layoutOptions(name, n) {
    if (name === 'cose') {
      return { name: 'cose', animate: false, randomize: false, nodeDimensionsIncludeLabels: false,
        numIter: n > 200 ? 600 : 1000, idealEdgeLength: function () { return 60; }, nodeRepulsion: function () { return 6000; },
        componentSpacing: 60, padding: 20 };
    }
    if (name === 'concentric') {
      /* Rings by kind: report and actors in the middle, then malware and
         campaigns, techniques, indicators and the rest, countermeasures outside. */
      return { name: 'concentric', animate: false, minNodeSpacing: 10, padding: 20,
        concentric: function (node) { var r = RING[node.data('type')]; return r == null ? 2 : r; },
        levelWidth: function () { return 1; } };
    }
    if (name === 'breadthfirst') return { name: 'breadthfirst', animate: false, directed: false, spacingFactor: 1, padding: 20 };
    return { name: name, animate: false, padding: 20 };
  }

  function showNode(n) {
    var o = n.data('obj'), box = $('node-info');
    clear(box);
    box.appendChild(el('h3', { text: str(o.name || o.type) }));
    var dl = el('dl');
    function row(k, v) { if (v != null && v !== '') { dl.appendChild(el('dt', { text: k })); dl.appendChild(el('dd', { text: str(v) })); } }
    row('type', o.type);
    row('external id', extId(o));
    row('id', o.id);
    row('confidence', o.confidence);
    row('pattern', o.pattern);
    row('description', o.description);
    row('abstract', o.abstract);
    row('content', o.content);
    row('aliases', arr(o.aliases).join(', '));
    row('kill chain', arr(o.kill_chain_phases).map(function (k) { return k && k.phase_name; }).join(', '));
    var x = ctixExt(o);
    if (x) Object.keys(x).forEach(function (k) {
      if (k === 'extension_type' || typeof x[k] === 'object') return;
      row(k.replace(/_/g, ' '), x[k]);
    });
    row('relations', n.connectedEdges().length);
    box.appendChild(dl);
    var ev = nodeEvidence(o, x);
    if (ev) {
      box.appendChild(el('button', { text: 'Show evidence (' + ev.items.length + ')', onclick: function () {
        showEvidence(ev.title, ev.items);
        $('evidence').scrollIntoView();
      } }));
      if (ev.items.length) box.appendChild(el('blockquote', { class: 'ev-sentence' }, slice(ev.items[0].start, ev.items[0].end)));
    }
  }

  /* Evidence spans behind a STIX object, found through the analysis. */
  function nodeEvidence(o, x) {
    var id = extId(o), i, t, list;
    if (o.type === 'attack-pattern' || (o.type === 'note' && x && x.attack_id)) {
      var tid = o.type === 'note' ? x.attack_id : id;
      t = arr(data.techniques).filter(function (h) { return h.id === tid; })[0];
      if (t) return { title: t.id + ' ' + str(t.name), items: arr(t.evidence).map(function (e) { return { start: e.start, end: e.end }; }) };
      return null;
    }
    if (o.type === 'indicator' && x) {
      list = arr(data.iocs).filter(function (c) { return c.type === x.ioc_type && (c.original === x.as_written || c.value === x.as_written); });
      if (list.length) return { title: str(o.name), items: arr(list[0].spans).map(function (p) { return { start: p[0], end: p[1] }; }) };
      return null;
    }
    var ents = arr(data.entities);
    for (i = 0; i < ents.length; i++) {
      if ((id && ents[i].id === id) || (o.name && ents[i].name === o.name)) return { title: str(ents[i].name), items: entitySpans(ents[i]) };
    }
    return null;
  }

  function renderGraph() {
    var box = $('graph-body'), objs = arr(data.bundle && data.bundle.objects);
    var ids = {}, els = [], counts = {};
    objs.forEach(function (o) {
      if (!o || SDO.indexOf(o.type) < 0 || typeof o.id !== 'string' || ids[o.id]) return;
      ids[o.id] = true;
      counts[o.type] = (counts[o.type] || 0) + 1;
      els.push({ group: 'nodes', data: { id: o.id, label: label(o), type: o.type, color: typeColor(o.type), obj: o,
        search: (str(o.name) + ' ' + extId(o) + ' ' + str(o.pattern)).toLowerCase() } });
    });
    var nedges = 0;
    objs.forEach(function (o) {
      if (!o) return;
      if (o.type === 'relationship' && ids[o.source_ref] && ids[o.target_ref] && o.source_ref !== o.target_ref) {
        els.push({ group: 'edges', data: { id: str(o.id), source: o.source_ref, target: o.target_ref, label: str(o.relationship_type) } });
        nedges++;
      } else if (o.type === 'note' && ids[o.id]) {
        arr(o.object_refs).forEach(function (r, i) {
          if (ids[r]) { els.push({ group: 'edges', data: { id: o.id + '/' + i, source: o.id, target: r, label: 'about' } }); nedges++; }
        });
      }
    });
    nodeTypes = Object.keys(counts).sort();
    if (!nodeTypes.length) { box.appendChild(empty('No STIX domain object to draw.')); return; }

    var n = Object.keys(ids).length;
    var search = el('input', { id: 'graph-search', type: 'search', placeholder: 'find a node', 'aria-label': 'find a node' });
    var lay = el('select', { id: 'graph-layout', 'aria-label': 'layout' });
    ['cose', 'concentric', 'breadthfirst', 'grid', 'circle'].forEach(function (k) { lay.appendChild(el('option', { value: k, text: k })); });
    lay.value = n > COSE_MAX ? 'concentric' : 'cose';
    var filters = el('span', { class: 'type-filter' });
    nodeTypes.forEach(function (t) {
      var cb = el('input', { type: 'checkbox', 'data-type': t });
      cb.checked = true;
      cb.addEventListener('change', function () {
        cy.nodes('[type = "' + t + '"]').style('display', cb.checked ? 'element' : 'none');
      });
      filters.appendChild(el('label', null, cb, el('span', { class: 'dot', 'data-color-type': t }), t + ' (' + counts[t] + ')'));
    });
    var bar = el('div', { class: 'toolbar' }, search, 'layout', lay,
      el('button', { text: 'Fit', onclick: function () { cy.fit(undefined, 20); } }),
      el('span', { class: 'muted', id: 'graph-count', text: n + ' objects, ' + nedges + ' relations' }));
    var info = el('div', { class: 'node-info', id: 'node-info' }, el('p', { class: 'muted', text: 'Click a node to see its properties and evidence. Drag to move, scroll to zoom.' }));
    box.appendChild(bar);
    box.appendChild(el('div', { class: 'toolbar' }, 'Show:', filters));
    box.appendChild(el('div', { class: 'graph-wrap' }, el('div', { id: 'cy', role: 'img', 'aria-label': 'graph of the STIX bundle' }), info));
    box.appendChild(el('img', { class: 'graph-print', id: 'graph-print', alt: 'graph of the STIX bundle' }));

    if (typeof window.cytoscape !== 'function') { info.appendChild(empty('The graph library is missing from this page.')); return; }
    cy = window.cytoscape({ container: $('cy'), elements: els, style: graphStyle(), layout: layoutOptions(lay.value, n),
      minZoom: 0.05, maxZoom: 4, pixelRatio: 1, textureOnViewport: n > 300,
      hideEdgesOnViewport: n > 300 });
    paintDots();
    cy.on('tap', 'node', function (evt) { showNode(evt.target); });
    lay.addEventListener('change', function () { cy.layout(layoutOptions(lay.value, n)).run(); });
    search.addEventListener('input', function () {
      var q = search.value.trim().toLowerCase();
      cy.batch(function () {
        cy.elements().removeClass('match faded');
        if (!q) return;
        var hit = cy.nodes().filter(function (nd) { return nd.data('search').indexOf(q) >= 0; });
        cy.elements().not(hit).addClass('faded');
        hit.addClass('match');
      });
    });
    search.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter') return;
      var m = cy.nodes('.match');
      if (m.length) { cy.fit(m, 60); if (m.length === 1) { m.select(); showNode(m[0]); } }
    });
  }

  /* Colours the legend dots of the type filter from the theme. */
  function paintDots() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-color-type]'), function (d) {
      d.style.backgroundColor = typeColor(d.getAttribute('data-color-type'));
    });
  }

  /* ------------------------------------------------------------ detection and response */

  function renderSigma() {
    var box = $('sigma-body'), rules = arr(data.sigma && data.sigma.rules);
    if (!rules.length) { box.appendChild(empty('No Sigma rule for this analysis.')); return; }
    /* One tab for the Sigma YAML, then one per SIEM target a conversion exists for. */
    var targets = ['sigma'];
    rules.forEach(function (r) {
      Object.keys(r.conversions || {}).forEach(function (k) { if (targets.indexOf(k) < 0) targets.push(k); });
    });
    var tabs = el('div', { class: 'tabs', role: 'tablist' }), panes = el('div');
    function show(k) {
      Array.prototype.forEach.call(tabs.children, function (b) { b.setAttribute('aria-selected', String(b.getAttribute('data-target') === k)); });
      clear(panes);
      rules.forEach(function (r) {
        var conv = (r.conversions || {})[k], body;
        if (k === 'sigma') body = r.yaml;
        else if (conv && Array.isArray(conv.queries)) body = conv.queries.join('\n');
        else if (conv) body = 'Not converted: ' + str(conv.error);
        if (body == null) return;
        var d = el('details', { class: 'rule' }, el('summary', null, el('strong', { text: str(r.title) }), ' ',
          el('span', { class: 'badge', text: str(r.level) }), ' ', el('span', { class: 'badge', text: str(r.origin) }), ' ',
          el('span', { class: 'muted', text: arr(r.techniques).join(', ') + '  ' + str(r.file) })),
          el('div', { class: 'toolbar' }, el('button', { class: 'copy', text: 'copy', onclick: function () { copy(str(body)); } }),
            el('button', { text: 'download', onclick: function () {
              download(k === 'sigma' ? str(r.file || 'rule.yml') : str(r.file || 'rule') + '.' + k + '.txt', str(body), 'text/plain');
            } })),
          el('pre', { text: str(body) }));
        panes.appendChild(d);
      });
    }
    targets.forEach(function (k) {
      tabs.appendChild(el('button', { role: 'tab', 'data-target': k, text: k === 'sigma' ? 'Sigma (' + rules.length + ')' : k,
        onclick: function () { show(k); } }));
    });
    box.appendChild(tabs);
    box.appendChild(panes);
    show('sigma');
  }

  function renderCountermeasures() {
    var box = $('defend-body'), cm = arr(data.countermeasures);
    if (!cm.length) { box.appendChild(empty('No countermeasure for this analysis.')); return; }
    var tb = el('tbody');
    cm.forEach(function (c) {
      tb.appendChild(el('tr', null, el('td', { class: 'mono', text: str(c.id) }), el('td', { text: str(c.name) }),
        el('td', { text: str(c.tactic) }), el('td', { text: arr(c.covers).join(', ') })));
    });
    box.appendChild(el('table', null, el('thead', null, el('tr', null, el('th', { text: 'Id' }), el('th', { text: 'Name' }),
      el('th', { text: 'Tactic' }), el('th', { text: 'Counters' }))), tb));
  }

  var PHASES = [['preparation', 'Preparation'], ['detection-and-analysis', 'Detection and analysis'],
    ['containment', 'Containment'], ['eradication', 'Eradication'], ['recovery', 'Recovery'], ['post-incident', 'Post-incident']];

  function renderSteps() {
    var box = $('response-body'), steps = arr(data.steps);
    if (!steps.length) { box.appendChild(empty('No response step for this analysis.')); return; }
    var known = {};
    PHASES.forEach(function (p) { known[p[0]] = true; });
    steps.forEach(function (s) { if (!known[s.phase]) { known[s.phase] = true; PHASES.push([s.phase, str(s.phase)]); } });
    PHASES.forEach(function (p) {
      var list = steps.filter(function (s) { return s.phase === p[0]; });
      if (!list.length) return;
      var ul = el('ul', { class: 'checklist' });
      list.forEach(function (s) {
        ul.appendChild(el('li', null, el('label', null, el('input', { type: 'checkbox' }), str(s.text)),
          arr(s.because).length ? el('span', { class: 'muted', text: ' (' + s.because.join(', ') + ')' }) : null));
      });
      box.appendChild(el('h3', { text: p[1] }));
      box.appendChild(ul);
    });
  }

  function renderArticle() {
    var box = $('article-body');
    if (!text) { box.appendChild(empty('The article text is not included in this report.')); return; }
    box.appendChild(el('div', { class: 'article', id: 'article-text', text: text }));
  }

  /* ------------------------------------------------------------ theme and print */

  function setTheme(t) {
    document.documentElement.setAttribute('data-theme', t);
    if (cy) { cy.style(graphStyle()); cy.nodes().forEach(function (nd) { nd.data('color', typeColor(nd.data('type'))); }); paintDots(); }
  }

  function initTheme() {
    /* the title the page was written with (html.c escapes it, bidi controls included) */
    var h = $('title');
    if (h) h.textContent = vis(h.textContent);
    document.title = vis(document.title);
    var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
    document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
    $('theme').addEventListener('click', function () {
      setTheme(document.documentElement.getAttribute('data-theme') === 'dark' ? 'light' : 'dark');
    });
    $('print').addEventListener('click', function () { window.print(); });
    window.addEventListener('beforeprint', function () {
      if (cy && cy.nodes().length) $('graph-print').setAttribute('src', cy.png({ full: true, scale: 1, bg: '#ffffff' }));
    });
  }

  /* Each part is drawn on its own: a failure in one leaves the others (and logs the error). */
  var parts = [initTheme, renderSummary, renderTimeline, renderMatrix, renderIocs, renderEntities,
    renderArticle, renderGraph, renderSigma, renderCountermeasures, renderSteps];
  var times = {};
  parts.forEach(function (f) {
    var t0 = performance.now();
    try { f(); } catch (e) { if (window.console) console.error('ctix report: ' + f.name + ': ' + e); }
    times[f.name] = Math.round(performance.now() - t0);
  });
  /* For tests and the curious: the graph, and when the page was ready (ms since navigation). */
  window.ctixReport = { ready: true, ms: performance.now(), times: times, graph: cy,
    nodes: function () { return cy ? cy.nodes().length : 0; } };
})();
