// Live refresh of the events list (progressive enhancement: without script the "Refresh" link does the same).
// Same-origin only; the page's Content-Security-Policy allows no inline script, so this is the console's one script.
(function () {
  'use strict';
  var box = document.getElementById('live-refresh');
  var results = document.getElementById('events-results');
  var status = document.getElementById('refresh-status');
  if (!box || !results || !window.fetch || !window.DOMParser) {
    return;
  }
  box.closest('.live').hidden = false;
  var seconds = Math.max(1, parseInt(box.getAttribute('data-seconds'), 10) || 10);
  var timer = null;

  function pageUrl(live) {
    var url = new URL(window.location.href);
    if (live) {
      url.searchParams.set('live', '1');
    } else {
      url.searchParams.delete('live');
    }
    return url;
  }

  function refresh() {
    fetch(pageUrl(true).toString(), { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (response) {
        if (response.redirected || !response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('events-results');
        if (fresh) {
          results.innerHTML = fresh.innerHTML;
          status.textContent = 'Updated at ' + new Date().toLocaleTimeString();
        }
      })
      .catch(function (e) {
        status.textContent = 'Refresh failed (' + e.message + '); sign in again if your session ended.';
      });
  }

  function apply() {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
    window.history.replaceState(null, '', pageUrl(box.checked).toString());
    if (box.checked) {
      timer = setInterval(refresh, seconds * 1000);
    }
  }

  box.addEventListener('change', apply);
  apply();
}());
