// sohoa: the few behaviours htmx does not give (no inline scripts: the CSP forbids them).
"use strict";
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-print]");
  if (button) { event.preventDefault(); window.print(); }
});
