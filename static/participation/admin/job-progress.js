// A job page of the admin (a twin import, an export): asks the job's status every second and
// redraws the progress bar and its numbers; when the job has finished, reloads the page (which
// then shows the summary, the download or the error) and puts the focus on the result.
(function () {
  "use strict";

  const root = document.querySelector("[data-job-progress]");
  if (!root) {
    return;
  }
  const resultKey = "job-finished-" + root.dataset.kind + "-" + root.dataset.job;
  const result = root.querySelector("[data-job-progress-result]");
  if (result && window.sessionStorage.getItem(resultKey)) {
    window.sessionStorage.removeItem(resultKey);
    result.focus();
  }
  if (root.dataset.finished === "true") {
    return;
  }

  const bar = root.querySelector("[data-job-progress-bar]");
  const numbers = root.querySelector("[data-job-progress-numbers]");
  const state = root.querySelector("[data-job-progress-state]");
  let status = root.dataset.status;

  function draw(data) {
    if (data.total) {
      bar.max = data.total;
      bar.value = data.done;
    } else {
      bar.removeAttribute("value"); // an indeterminate bar while the file is being counted
    }
    bar.textContent = data.progress_text;
    numbers.textContent = data.progress_text;
    if (data.status !== status) {
      status = data.status;
      state.textContent = data.status_label; // a role="status" region: read out on change only
    }
  }

  async function poll() {
    let data;
    try {
      const response = await fetch(root.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      data = await response.json();
    } catch (error) {
      window.setTimeout(poll, 3000); // the server is busy or away for a moment: try again, a little later
      return;
    }
    draw(data);
    if (data.finished) {
      window.sessionStorage.setItem(resultKey, "1");
      window.location.reload();
      return;
    }
    window.setTimeout(poll, 1000);
  }

  window.setTimeout(poll, 1000);
})();
