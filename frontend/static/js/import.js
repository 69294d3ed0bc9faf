// The import's progress while the file is checked in the background; once it has finished,
// the page is loaded again and says what was imported or which lines to correct.
import { api } from "./api.js";
import { format, gettext } from "./i18n.js";

const card = document.getElementById("import");
const statusText = document.getElementById("import-status");
const progress = document.getElementById("import-progress");

async function follow(wait) {
  let job;
  try {
    job = await api("GET", card.dataset.statusUrl);
  } catch {
    setTimeout(() => follow(Math.min(wait * 2, 10000)), wait); // offline for a moment
    return;
  }
  if (job.status === "done" || job.status === "failed") {
    window.location.reload();
    return;
  }
  if (job.status === "running") {
    progress.max = job.total;
    progress.value = job.processed;
    statusText.textContent = format(gettext("Checking the file: %(done)s of %(total)s rows."), {
      done: job.processed,
      total: job.total,
    });
  }
  setTimeout(() => follow(1000), 1000);
}

if (card && card.dataset.finished !== "true") follow(1000);
