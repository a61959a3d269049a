// Document pages: upload each chosen or dropped file on its own, with a progress bar per
// file, put the new rows in the dossier's table (htmx then polls their status), and show a
// refused file's reason beside it. Without this script the plain form still uploads.
"use strict";
(function () {
  if (window.sohoaDocuments) { return; }
  window.sohoaDocuments = true;

  function uploadOne(form, file, list) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    const state = document.createElement("span");
    state.className = "upload-state";
    state.setAttribute("role", "status");
    item.append(name, bar, state);
    list.append(item);

    const data = new FormData();
    data.append("files", file, file.name);
    const stack = form.querySelector("input[name=stack]");
    if (stack && stack.checked) { data.append("stack", "1"); }
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-CSRF-Token", document.body.dataset.csrf || "");
    request.setRequestHeader("X-Upload-Rows", "1");
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) { bar.value = Math.round(100 * event.loaded / event.total); }
    };
    request.onload = function () {
      bar.value = 100;
      const holder = document.createElement("template");
      holder.innerHTML = request.responseText;
      if (request.status === 201) {
        item.classList.add("done");
        state.textContent = list.dataset.done || "OK";
        holder.content.querySelectorAll(".upload-note").forEach(function (note) {
          state.append(" ", note);
        });
        addRows(form, holder.content.querySelectorAll("tr.doc-row"));
      } else {
        item.classList.add("refused");
        const reason = holder.content.querySelector(".upload-error");
        if (reason) {
          state.replaceChildren(reason);
        } else {
          state.className = "upload-state field-error";
          state.textContent = (list.dataset.failed || "{status}").replace("{status}", request.status);
        }
      }
    };
    request.onerror = function () {
      item.classList.add("refused");
      state.className = "upload-state field-error";
      state.textContent = (list.dataset.failed || "{status}").replace("{status}", "0");
    };
    request.send(data);
  }

  function addRows(form, rows) {
    const body = document.getElementById(form.dataset.rows);
    if (!body) { return; }
    rows.forEach(function (row) {
      const empty = body.querySelector(".doc-empty");
      if (empty) { empty.remove(); }
      const old = document.getElementById(row.id);
      const fresh = document.importNode(row, true);
      if (old) { old.replaceWith(fresh); } else { body.append(fresh); }
      if (window.htmx) { window.htmx.process(fresh); }
    });
  }

  function uploadAll(form, files) {
    const list = form.querySelector(".upload-list");
    Array.prototype.forEach.call(files, function (file) { uploadOne(form, file, list); });
  }

  function enhance(form) {
    if (form.dataset.enhanced) { return; }
    form.dataset.enhanced = "1";
    form.classList.add("enhanced");
    const input = form.querySelector("input[type=file]");
    const zone = form.querySelector(".drop-zone");
    input.addEventListener("change", function () {
      if (input.files.length) { uploadAll(form, input.files); }
      input.value = "";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (input.files.length) { uploadAll(form, input.files); input.value = ""; }
    });
    zone.tabIndex = 0;
    zone.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); input.click(); }
    });
    ["dragenter", "dragover"].forEach(function (kind) {
      zone.addEventListener(kind, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (kind) {
      zone.addEventListener(kind, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        uploadAll(form, event.dataTransfer.files);
      }
    });
  }

  function start() { document.querySelectorAll("form.upload-form").forEach(enhance); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("htmx:load", start);
})();
