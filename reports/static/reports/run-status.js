// Polls a background report run until it is done (reports/templates/reports/run.html).
// A static file rather than an inline script: the site's Content-Security-Policy allows no inline code.
(function () {
  "use strict";
  var status = document.getElementById("run-status");
  if (!status || !status.dataset.statusUrl) return;
  var progress = document.getElementById("run-progress");
  var download = document.getElementById("run-download");
  function poll() {
    fetch(status.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        progress.value = data.progress;
        if (data.done) {
          download.hidden = false;
          status.textContent = status.dataset.doneLabel;
        } else if (data.status !== "failed") {
          setTimeout(poll, 2000);
        } else {
          window.location.reload();
        }
      });
  }
  poll();
})();
