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
