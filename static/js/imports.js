// The import page, enhanced: warns about files over the limits before they are sent, and
// follows each upload's state without a reload by polling a small JSON endpoint.
// Without JavaScript the page works the same, with its Refresh link.
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key];
    });
  }

  // Limits, checked before upload --------------------------------------------------------
  var form = document.querySelector("[data-upload-form]");
  if (form) {
    var input = form.querySelector('input[type="file"]');
    var warning = form.querySelector("[data-upload-warning]");
    var problems = function () {
      var files = Array.prototype.slice.call(input.files || []);
      var found = [];
      var maxFiles = Number(input.dataset.maxFiles);
      var maxFile = Number(input.dataset.maxFileBytes);
      var maxRequest = Number(input.dataset.maxRequestBytes);
      if (files.length > maxFiles) {
        found.push(fill(warning.dataset.tooMany, { limit: maxFiles }));
      }
      var total = 0;
      files.forEach(function (file) {
        total += file.size;
        if (file.size > maxFile) {
          found.push(fill(warning.dataset.tooLarge, { name: file.name }));
        }
      });
      if (total > maxRequest) {
        found.push(warning.dataset.tooMuch);
      }
      return found;
    };
    var show = function () {
      var found = problems();
      warning.textContent = found.join(" ");
      warning.hidden = found.length === 0;
      return found.length === 0;
    };
    input.addEventListener("change", show);
    form.addEventListener("submit", function (event) {
      if (!show()) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    });
  }

  // Progress, polled -----------------------------------------------------------------------
  var section = document.querySelector("[data-import-status]");
  if (!section || section.dataset.pending !== "yes") return;

  var url = section.dataset.importStatus;
  var delay = 1000;
  var BADGES = { done: "badge ok", refused: "badge bad", failed: "badge bad" };

  function renderRuns(list, runs) {
    while (list.firstChild) list.removeChild(list.firstChild);
    runs.forEach(function (run) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = run.url;
      link.textContent = run.label;
      item.appendChild(link);
      if (run.status !== "counted") {
        var badge = document.createElement("span");
        badge.className = "badge warn";
        badge.textContent = run.status_label;
        item.appendChild(document.createTextNode(" "));
        item.appendChild(badge);
      }
      list.appendChild(item);
    });
  }

  function renderSkipped(box, skipped) {
    var list = box.querySelector("ul");
    while (list.firstChild) list.removeChild(list.firstChild);
    skipped.forEach(function (item) {
      var entry = document.createElement("li");
      var label = document.createElement("span");
      label.className = "skipped-label";
      label.textContent = item.label;
      entry.appendChild(label);
      entry.appendChild(document.createTextNode(": " + item.reason));
      list.appendChild(entry);
    });
    box.hidden = skipped.length === 0;
  }

  function update(data) {
    data.uploads.forEach(function (upload) {
      var row = section.querySelector('[data-upload-id="' + upload.id + '"]');
      if (!row || row.dataset.state === upload.state) return;
      row.dataset.state = upload.state;
      var state = row.querySelector('[data-role="state"]');
      state.textContent = upload.state_label;
      state.className = BADGES[upload.state] || "badge";
      var step = row.querySelector('[data-role="step"]');
      step.value = upload.step;
      step.textContent = upload.state_label;
      var message = row.querySelector('[data-role="message"]');
      message.textContent = upload.message;
      message.hidden = !upload.message;
      renderRuns(row.querySelector('[data-role="runs"]'), upload.runs);
      renderSkipped(row.querySelector('[data-role="skipped"]'), upload.skipped);
    });
    var progress = section.querySelector("#import-progress");
    if (progress) {
      progress.max = data.batch.total;
      progress.value = data.batch.finished;
      progress.textContent = data.batch.finished + "/" + data.batch.total;
      section.querySelector("[data-batch-finished]").textContent = data.batch.finished;
      section.querySelector("[data-batch-total]").textContent = data.batch.total;
    }
    var summary = section.querySelector("[data-batch-summary]");
    if (summary) summary.textContent = data.batch.summary;
    section.dataset.pending = data.pending ? "yes" : "no";
    var refresh = section.querySelector("[data-refresh]");
    if (refresh) refresh.hidden = !data.pending;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        update(data);
        delay = 1000;
        if (data.pending) window.setTimeout(poll, delay);
      })
      .catch(function () {
        // Offline or signed out: try again, less often; the Refresh link still works.
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
