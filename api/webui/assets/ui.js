// Enhancements only: every page works without this script.
(function () {
  "use strict";
  // The error summary takes the focus, so a screen reader announces it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  // Print buttons (a voter information slip).
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
  // PIN field: digits only on phones' keypads is set in HTML; here, strip
  // spaces people paste.
  var pin = document.getElementById("pin");
  if (pin) {
    pin.addEventListener("change", function () { pin.value = pin.value.replace(/\s+/g, ""); });
  }
})();
