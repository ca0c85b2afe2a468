// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Forms with data-confirm ask once more before a destructive action.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // After a failed submit, start at the summary of what to fix.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  // A form submits once: a double click must not send it twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) return;
    if (form.dataset.submitted === "yes") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "yes";
  });
})();
