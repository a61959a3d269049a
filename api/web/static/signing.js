/* Signing several documents with one PIN entry, one request per call, with progress.
 * The PIN stays in the form's field while the batch runs and is cleared afterwards; each
 * call posts one request id, the PIN and the CSRF token to the form's action, and the
 * server answers a fragment: the signed item, or the error (wrong PIN, locked out) that
 * stops the batch. Without JavaScript the form posts every checked id at once. */
(function () {
  "use strict";

  function fill(template, done, total) {
    return template.replace("{done}", String(done)).replace("{total}", String(total));
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  async function signAll(form, ids) {
    var pin = form.querySelector("input[name='pin']");
    var button = form.querySelector("button[type='submit']");
    var progress = form.querySelector("progress");
    var status = form.querySelector("[data-template]");
    var errorBox = document.getElementById(form.dataset.error);
    var results = document.getElementById(form.dataset.results);
    var csrf = form.querySelector("input[name='csrf']").value;
    var done = 0;
    errorBox.replaceChildren();
    pin.removeAttribute("aria-invalid");
    button.disabled = true;
    progress.max = ids.length;
    progress.value = 0;
    progress.hidden = false;
    status.textContent = fill(status.dataset.template, 0, ids.length);
    try {
      for (var i = 0; i < ids.length; i++) {
        var data = new FormData();
        data.append("csrf", csrf);
        data.append("request_id", ids[i]);
        data.append("pin", pin.value);
        var response;
        try {
          response = await fetch(form.action, {method: "POST", body: data,
            credentials: "same-origin", headers: {"HX-Request": "true"}});
        } catch (error) {
          errorBox.textContent = status.dataset.network;
          break;
        }
        var html = await response.text();
        if (!response.ok) {
          errorBox.replaceChildren(fragment(html));
          pin.setAttribute("aria-invalid", "true");
          pin.focus();
          break;
        }
        results.appendChild(fragment(html));
        results.closest("section").hidden = false;
        var row = document.getElementById("request-" + ids[i]);
        if (row) {
          var body = row.parentElement;
          row.remove();
          if (body && body.children.length === 0) { body.closest("table").hidden = true; }
        }
        done += 1;
        progress.value = done;
        status.textContent = fill(status.dataset.template, done, ids.length);
      }
    } finally {
      if (done === ids.length) {
        pin.value = "";
        status.textContent = fill(status.dataset.done, done, ids.length);
      }
      button.disabled = false;
    }
  }

  function setUp(form) {
    form.addEventListener("submit", function (event) {
      var ids = Array.prototype.map.call(
        form.querySelectorAll("input[name='request_id']:checked"),
        function (box) { return box.value; });
      if (ids.length === 0 || !form.querySelector("input[name='pin']").value) {
        return; /* the server answers with the reason beside the field */
      }
      event.preventDefault();
      signAll(form, ids);
    });
    var all = form.querySelector(".select-all");
    if (all) {
      all.addEventListener("change", function () {
        form.querySelectorAll("input[name='request_id']").forEach(function (box) {
          box.checked = all.checked;
        });
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.sign-batch").forEach(setUp);
  });
})();
