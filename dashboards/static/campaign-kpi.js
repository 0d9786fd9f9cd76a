/* campaign-kpi: the script every dashboard page loads (beside the pages; no network).
   - the language links carry the page's state (the URL's #fragment) to the other language. */
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[data-lang-link]');
    if (link && window.location.hash) {
      link.setAttribute('href', link.getAttribute('href').split('#')[0] + window.location.hash);
    }
  });
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
