// Follows a background report run until its file is ready (a static file: the CSP allows no inline script).
(function poll() {
  const status = document.getElementById("run-status");
  fetch(status.dataset.statusUrl).then((r) => r.json()).then((d) => {
    document.getElementById("run-progress").value = d.progress;
    if (d.done) {
      document.getElementById("run-download").hidden = false;
      status.textContent = status.dataset.doneText;
    } else if (d.status !== "failed") {
      setTimeout(poll, 2000);
    } else {
      location.reload();
    }
  });
})();
