// sohoa: dossier pages. A new-dossier form keeps its due date in step when the page is
// shown again from the browser's history (htmx fetches it on input; this covers a value
// the browser restored without an input event).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const days = document.getElementById("processing_days");
  if (days && days.value && window.htmx) { window.htmx.trigger(days, "change"); }
});
