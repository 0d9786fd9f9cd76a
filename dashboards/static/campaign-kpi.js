/* campaign-kpi: the script every dashboard page loads (beside the pages; no network).
   - The language links carry the page's state (the URL's #fragment) to the other language.
   - Every <table data-csv="name"> gets a "CSV" button that downloads the table as name.csv:
     the rows it shows (a row a page's filter hid is left out), its header row from the <th>s.

   CSV for Belgian Excel: a double-click on a .csv opens it with the list separator and the
   decimal mark of Windows' regional settings, which are ";" and "," for nl-BE and fr-BE. So
   fields are separated by ";" and a cell's raw number (its data-value, "1234.5") is written
   with the page's decimal mark (body data-decimal: "," for nl, fr and en-BE alike) and no
   grouping: "1234,5", a number in Excel, not text or a misread thousands mark. Other cells
   are their text as shown. UTF-8 with a BOM (Excel then reads accents right), CRLF line
   ends, RFC 4180 quoting. A text cell that Excel would run as a formula (=, @, or + / -
   before something that is not a number) gets a leading apostrophe. */
(function () {
  'use strict';
  var body = document.body;

  /* The language switch: the same page in the other language, at the same state. */
  function langLinks() {
    return Array.prototype.slice.call(document.querySelectorAll('a[data-lang-link]'));
  }
  function carryState() {
    var hash = window.location.hash;
    langLinks().forEach(function (link) {
      link.setAttribute('href', link.getAttribute('href').split('#')[0] + hash);
    });
  }
  carryState();
  window.addEventListener('hashchange', carryState);
  // Page scripts may change the fragment with history.replaceState (no hashchange): look again
  // just before a language link is followed (click, middle click, keyboard).
  ['mousedown', 'click', 'auxclick', 'keydown', 'focusin'].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var link = event.target.closest && event.target.closest('a[data-lang-link]');
      if (link) { carryState(); }
    }, true);
  });

  /* CSV download. */
  var NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
  var FORMULA = /^([=@\t\r]|[+-](?![\d.,\s]))/;

  function field(cell) {
    var raw = cell.getAttribute('data-value');
    var text;
    if (raw !== null && NUMBER.test(raw)) {
      text = raw.replace('.', body.getAttribute('data-decimal') || '.');
    } else {
      text = (raw !== null ? raw : cell.textContent).replace(/\s+/g, ' ').trim();
      if (FORMULA.test(text)) { text = "'" + text; }
    }
    return /[";\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function tableCsv(table) {
    var lines = [];
    Array.prototype.forEach.call(table.rows, function (row) {
      if (row.hidden || window.getComputedStyle(row).display === 'none') { return; }
      var fields = [];
      Array.prototype.forEach.call(row.cells, function (cell) {
        fields.push(field(cell));
        for (var i = 1; i < cell.colSpan; i++) { fields.push(''); }
      });
      lines.push(fields.join(';'));
    });
    return '\ufeff' + lines.join('\r\n') + '\r\n';
  }

  function fileName(table) {
    var name = (table.getAttribute('data-csv') || 'table').replace(/[^\w.-]+/g, '-');
    return name.replace(/^[.-]+/, '') + '.csv';
  }

  function download(table) {
    var blob = new Blob([tableCsv(table)], {type: 'text/csv;charset=utf-8'});
    var url = URL.createObjectURL(blob);
    var link = document.createElement('a');
    link.href = url;
    link.download = fileName(table);
    link.hidden = true;
    body.appendChild(link);
    link.click();
    body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function addButton(table) {
    var label = body.getAttribute('data-csv-label') || 'CSV';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'csv-button';
    button.textContent = 'CSV';
    button.setAttribute('aria-label', label);
    button.title = label;
    button.setAttribute('data-csv-for', table.getAttribute('data-csv'));
    button.addEventListener('click', function () { download(table); });
    var wrap = table.parentElement && table.parentElement.classList.contains('table-wrap')
      ? table.parentElement : table;  // not inside the scrolling wrapper
    var bar = document.createElement('div');
    bar.className = 'csv-bar';
    bar.appendChild(button);
    wrap.parentNode.insertBefore(bar, wrap);
  }

  // After the page's own scripts too (they run after this one and may build tables).
  function addButtons() {
    Array.prototype.forEach.call(document.querySelectorAll('table[data-csv]'), function (t) {
      if (!t.hasAttribute('data-csv-ready')) { t.setAttribute('data-csv-ready', ''); addButton(t); }
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', addButtons);
  } else {
    addButtons();
  }
})();
/* The period and comparison switch (overview and trends pages, templates/periods.html): every
   variant is in the page; the chosen one is shown ([data-variant] with data-period and
   data-vs), figure traces with meta.period / meta.vs follow it (axes from layout.meta.axes),
   and the choice lives in the URL (#period=month&vs=year) so a reload and the language
   links keep it. body[data-switched] says what is shown once the figures follow. */
(function () {
  'use strict';
  var box = document.querySelector('[data-switch]');
  if (!box) { return; }
  function values(name) {
    return Array.prototype.map.call(box.querySelectorAll('input[name="' + name + '"]'),
      function (input) { return input.value; });
  }
  function checked(name) {
    var input = box.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : '';
  }
  function fromHash() {
    var state = {period: checked('period'), vs: checked('vs')};
    window.location.hash.replace(/^#/, '').split('&').forEach(function (pair) {
      var kv = pair.split('='), key = decodeURIComponent(kv[0] || '');
      var value = decodeURIComponent(kv[1] || '');
      if ((key === 'period' || key === 'vs') && values(key).indexOf(value) >= 0) {
        state[key] = value;
      }
    });
    return state;
  }
  function matches(el, state) {
    var period = el.getAttribute('data-period'), vs = el.getAttribute('data-vs');
    return (!period || period === state.period) && (!vs || vs === state.vs);
  }
  function showPlots(state) {
    if (!window.Plotly) { return Promise.resolve(); }
    var jobs = [];
    Array.prototype.forEach.call(document.querySelectorAll('.js-plotly-plot'), function (gd) {
      var indices = [], visible = [];
      (gd.data || []).forEach(function (trace, i) {
        var meta = trace.meta;
        if (meta && meta.period) {
          indices.push(i);
          visible.push(meta.period === state.period && (!meta.vs || meta.vs === state.vs));
        }
      });
      if (indices.length) { jobs.push(Plotly.restyle(gd, {visible: visible}, indices)); }
      var axes = gd.layout && gd.layout.meta && gd.layout.meta.axes;
      if (axes && axes[state.period]) { jobs.push(Plotly.relayout(gd, axes[state.period])); }
    });
    return Promise.all(jobs);
  }
  function show(state, plots) {
    ['period', 'vs'].forEach(function (name) {
      var input = box.querySelector('input[name="' + name + '"][value="' + state[name] + '"]');
      if (input) { input.checked = true; }
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-variant]'), function (el) {
      el.hidden = !matches(el, state);
    });
    var chosen = box.querySelector('input[name="period"]:checked');
    var period = document.querySelector('.site-period');
    if (period && chosen && chosen.getAttribute('data-label')) {
      period.textContent = chosen.getAttribute('data-label');
    }
    if (plots) {
      showPlots(state).then(function () {
        document.body.setAttribute('data-switched', state.period + ' ' + state.vs);
      });
    }
  }
  function plotsReady() { return document.body.hasAttribute('data-plots-ready'); }
  var state = fromHash();
  show(state, false);
  if (plotsReady() || !document.querySelector('.plot')) {
    show(state, true);
  } else {
    new MutationObserver(function (changes, observer) {
      if (plotsReady()) { observer.disconnect(); show(fromHash(), true); }
    }).observe(document.body, {attributes: true, attributeFilter: ['data-plots-ready']});
  }
  box.addEventListener('change', function () {
    var next = {period: checked('period'), vs: checked('vs')};
    var hash = '#period=' + encodeURIComponent(next.period)
      + (next.vs ? '&vs=' + encodeURIComponent(next.vs) : '');
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, '', hash);
    } else {
      window.location.hash = hash;
    }
    show(next, plotsReady());
  });
  window.addEventListener('hashchange', function () { show(fromHash(), plotsReady()); });
})();
