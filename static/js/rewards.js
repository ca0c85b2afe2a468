// The admin's draw run page: poll the run state until the draw is drawn or the task failed.
// Progressive enhancement only: without this file the page has a "Refresh" link.
(function () {
  "use strict";
  var box = document.getElementById("run-state");
  if (!box || box.getAttribute("data-polling") !== "yes") return;
  var url = box.getAttribute("data-url");
  function show(state) {
    Object.keys(state).forEach(function (name) {
      var field = box.querySelector('[data-field="' + name + '"]');
      if (field) field.textContent = state[name];
    });
    if (state.failed) box.querySelector('[data-field="message"]').className = "errornote";
    if (state.done || state.failed) {
      box.setAttribute("data-polling", "done");
      document.querySelectorAll("[data-hide-when-done]").forEach(function (element) {
        element.hidden = true;
      });
      return;
    }
    window.setTimeout(poll, 1500);
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
