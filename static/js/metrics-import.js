// The import page's progress bar: while the import runs, ask the server how far it has got every
// second and move the bar; once the import has finished, reload the page to show what it brought or
// why it was rejected. Without this script the page's "Refresh" link does the same by hand.
(function () {
  "use strict";

  const section = document.querySelector(".import-progress[data-status-url]");
  if (!section || section.dataset.finished === "true" || !window.fetch) {
    return;
  }
  const bar = section.querySelector('[role="progressbar"]');
  const fill = section.querySelector(".import-progress-bar");
  const text = section.querySelector("[data-progress-text]");
  const INTERVAL_MS = 1000;

  function show(progress) {
    bar.setAttribute("aria-valuenow", String(progress.percent));
    fill.className = fill.className.replace(/\bpct-\d+\b/, "pct-" + Math.round(progress.percent / 10));
    if (progress.status === "queued") {
      text.textContent = progress.waiting_reason
        ? "Waiting for a worker: " + progress.waiting_reason
        : "Waiting for a worker to start it.";
    } else {
      const total = progress.rows_total ? " of " + progress.rows_total.toLocaleString("en") : "";
      text.textContent =
        progress.rows_done.toLocaleString("en") + total + " rows read (" + progress.percent + "%).";
    }
  }

  function poll() {
    fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, INTERVAL_MS);
        }
      })
      .catch(function () {
        // A dropped connection should not end the watch: try again, a little later.
        window.setTimeout(poll, INTERVAL_MS * 3);
      });
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
