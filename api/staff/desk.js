// The desk's queue refreshes itself: every few seconds the table is asked
// for again (a fragment of HTML) and swapped in. Without JavaScript, a
// reload shows the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-poll]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-poll");
  var every = 3000;
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
      .then(function (html) {
        if (html !== null && html !== box.innerHTML) { box.innerHTML = html; }
      })
      .catch(function () {})
      .then(function () { setTimeout(tick, every); });
  }
  setTimeout(tick, every);
})();
