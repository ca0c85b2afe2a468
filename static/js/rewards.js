// The admin's draw run page: poll the run state until the draw is drawn, showing its words,
// the "Run again" button when the run has stalled or failed, and the result's link once drawn.
// Progressive enhancement only: without this file the page has a "Refresh" link.
(function () {
  "use strict";
  var box = document.getElementById("run-state");
  if (!box || box.getAttribute("data-polling") !== "yes") return;
  var url = box.getAttribute("data-url");
  function toggle(name, visible) {
    document.querySelectorAll('[data-show-when="' + name + '"]').forEach(function (element) {
      element.hidden = !visible;
    });
  }
  function show(state) {
    Object.keys(state).forEach(function (name) {
      var field = box.querySelector('[data-field="' + name + '"]');
      if (field) field.textContent = state[name];
    });
    var bar = box.querySelector("progress");
    if (bar) {
      bar.max = state.entrants || 1;
      // Indeterminate while a worker ranks: the draw is one transaction, invisible until done.
      if (state.ranked === "") bar.removeAttribute("value");
      else bar.value = state.ranked;
    }
    box.querySelector('[data-field="message"]').className = state.can_run_again ? "errornote" : "";
    toggle("can_run_again", state.can_run_again);
    toggle("done", state.done);
    toggle("waiting", !state.done);
    if (state.done) {
      box.setAttribute("data-polling", "done");
      return;
    }
    // A stalled or failed run may still be drawn (the sweep queues it again): keep asking.
    window.setTimeout(poll, state.can_run_again ? 5000 : 1500);
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(show)
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
