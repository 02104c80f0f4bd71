// The little the portal does in the browser: tell the sign-in form the browser's time zone,
// and follow a what-if's progress without reloading the page.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("[data-browser-zone]")) {
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  }
  const panel = document.getElementById("what-if");
  if (!panel || panel.dataset.finished === "yes") return;
  const bar = document.getElementById("what-if-progress");
  const count = document.getElementById("what-if-count");
  const state = document.getElementById("what-if-state");
  const poll = async () => {
    const answer = await fetch(panel.dataset.progressUrl, { credentials: "same-origin" });
    if (!answer.ok) return;
    const job = await answer.json();
    bar.max = Math.max(job.total, 1);
    bar.value = job.done;
    count.textContent = `${job.done} / ${job.total}`;
    const label = panel.dataset[`state${job.state.charAt(0).toUpperCase()}${job.state.slice(1)}`];
    if (state && label) state.textContent = label;
    if (job.finished) {
      window.location.reload();
    } else {
      window.setTimeout(poll, 400);
    }
  };
  window.setTimeout(poll, 200);
});
