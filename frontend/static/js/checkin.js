// The check-in page: tone, pain and ease as big buttons, saved once all three are chosen.
// Every check-in goes through the outbox (outbox.js) first, so one made with no signal is
// kept on the phone and sent later, by this page or by the service worker's Background Sync.
import { format, gettext, ngettext } from "./i18n.js";
import "./outbox.js";

const outbox = self.tonusOutbox;
const form = document.getElementById("checkin-form");
const person = form.dataset.person;
const details = document.getElementById("more-details");
const saveButton = document.getElementById("checkin-save");
const errorBox = document.getElementById("checkin-error");
const done = document.getElementById("checkin-done");
const status = document.getElementById("outbox-status");
const failedBox = document.getElementById("outbox-failed");
const QUICK = ["tone", "pain", "ease"];
const NUMBERS = new Set(["pain", "ease", "rom_degrees", "minutes", "stress", "sleep"]);
const FLAGS = new Set(["worse_after", "baseline"]);

let busy = false;
let pendingKey = null; // the check-in this page queued and is waiting to hear about
let draining = 0;

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";
const waitingText = (count) =>
  count
    ? format(
        ngettext("%(count)s check-in waiting to sync", "%(count)s check-ins waiting to sync", count),
        { count },
      )
    : gettext("No check-ins waiting to sync");
const failedText = (count) =>
  format(
    ngettext(
      "A check-in made while offline could not be saved: one of its values was not accepted. Please check in again.",
      "%(count)s check-ins made while offline could not be saved: some values were not accepted. Please check in again.",
      count,
    ),
    { count },
  );

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Older phones (iOS before 15.4) lack randomUUID: a version 4 UUID from random bytes.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return hex.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, "$1-$2-$3-$4-$5");
}

// Offline, the service worker answers with the last copy of this page, which may have been
// made for another reminder: the address says which one this check-in is for.
const occurrence = new URLSearchParams(location.search).get("occurrence") ?? "";
if (occurrence !== form.dataset.occurrence) {
  document.getElementById("checkin-for")?.setAttribute("hidden", "");
  document.getElementById("checkin-for-other").hidden = !occurrence;
}

// Radios work without JavaScript; here each becomes a toggle button, so one tap chooses.
for (const fieldset of form.querySelectorAll("fieldset.scale")) {
  const radios = document.createElement("div");
  radios.hidden = true;
  for (const label of fieldset.querySelectorAll("label.pick")) {
    const radio = label.querySelector("input");
    radio.required = false; // a hidden control cannot show the browser's bubble; save() checks
    const button = document.createElement("button");
    button.type = "button";
    button.className = "pick";
    button.value = radio.value;
    button.setAttribute("aria-pressed", String(radio.checked));
    const hint = label.querySelector(".pick-hint");
    if (hint) {
      // The name is the grade; its description is read after it.
      button.setAttribute("aria-label", radio.value);
      button.setAttribute("aria-describedby", hint.id);
    }
    button.append(...label.querySelectorAll("span"));
    button.addEventListener("click", () => choose(fieldset, radio));
    radios.append(radio);
    label.replaceWith(button);
  }
  fieldset.append(radios);
}
const how = document.getElementById("checkin-how");
how.textContent = how.dataset.withScript;

const chosen = (name) => form.querySelector(`input[name="${name}"]:checked`);
const complete = () => QUICK.every(chosen);

function choose(fieldset, radio) {
  if (busy) return;
  radio.checked = true;
  for (const button of fieldset.querySelectorAll("button.pick")) {
    button.setAttribute("aria-pressed", String(button.value === radio.value));
  }
  fieldset.classList.remove("invalid");
  // The third choice saves, unless the person opened More details to add to it.
  if (complete() && !details.open) save();
}

function payload() {
  const body = { idempotency_key: newKey(), recorded_at: new Date().toISOString() };
  if (occurrence) body.occurrence = Number(occurrence);
  for (const [name, value] of new FormData(form)) {
    if (name === "csrfmiddlewaretoken" || name === "idempotency_key" || value === "") continue;
    body[name] = FLAGS.has(name) ? true : NUMBERS.has(name) ? Number(value) : value;
  }
  return body;
}

function setBusy(on) {
  busy = on;
  saveButton.disabled = on;
  form.setAttribute("aria-busy", String(on));
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

function labelOf(name) {
  const fieldset = form.querySelector(`fieldset[data-field="${name}"]`);
  if (fieldset) return fieldset.querySelector("legend").textContent.trim();
  return form.querySelector(`label[for="id_${name}"]`)?.textContent.trim() ?? name;
}

function showDone(state, advice = []) {
  form.hidden = true;
  done.hidden = false;
  for (const part of done.querySelectorAll("[data-when]")) {
    part.hidden = part.dataset.when !== state;
  }
  const box = document.getElementById("checkin-advice");
  if (advice.length) {
    box.querySelector("ul").replaceChildren(
      ...advice.map((line) => Object.assign(document.createElement("li"), { textContent: line })),
    );
    box.hidden = false;
  }
  done.focus();
}

function showSaved(data) {
  pendingKey = null;
  showDone("saved", data?.advice ?? []);
}

function showRejected(errors) {
  pendingKey = null;
  done.hidden = true;
  form.hidden = false;
  setBusy(false);
  const names = Object.keys(errors ?? {});
  for (const name of names) {
    form.querySelector(`fieldset[data-field="${name}"]`)?.classList.add("invalid");
    if (!QUICK.includes(name) && form.querySelector(`[name="${name}"]`)) details.open = true;
  }
  const lines = names.map((name) => `${labelOf(name)}: ${[].concat(errors[name]).join(" ")}`);
  showError(lines.join(" ") || errorBox.dataset.failed);
}

// What the page learns from a drain it ran: the answer for its own check-in, with advice.
function settle(round) {
  const sent = round.sent.find((result) => result.key === pendingKey);
  if (sent) showSaved(sent.data);
  const rejected = round.rejected.find((result) => result.key === pendingKey);
  if (rejected) {
    outbox.forgetFailures([rejected.key]); // told next to the form, not as a note
    showRejected(rejected.errors);
  }
}

async function requestSync() {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    await registration?.sync?.register(outbox.SYNC_TAG);
  } catch {
    // No Background Sync (Safari, Firefox): the online event or the next page opened sends it.
  }
}

async function save() {
  if (busy) return;
  if (!complete()) {
    for (const name of QUICK) {
      const fieldset = form.querySelector(`fieldset[data-field="${name}"]`);
      if (!chosen(name)) fieldset.classList.add("invalid");
    }
    showError(errorBox.dataset.incomplete);
    return;
  }
  setBusy(true);
  showError("");
  const body = payload();
  const key = body.idempotency_key;
  const item = { key, person, csrfToken: csrfToken(), body, queuedAt: body.recorded_at };
  try {
    await outbox.add(item);
  } catch {
    // No IndexedDB (some private modes): one plain attempt, nothing kept.
    return sendWithoutOutbox(body);
  }
  pendingKey = key;
  await drainHere();
  if (pendingKey === key) {
    showDone("queued");
    requestSync();
  }
  refresh();
}

async function sendWithoutOutbox(body) {
  try {
    const answer = await outbox.send(body, csrfToken());
    if (answer.status === 200 || answer.status === 201) return showSaved(answer.data);
    if (answer.status === 400) return showRejected(answer.data);
  } catch {
    // fall through
  }
  setBusy(false);
  showError(errorBox.dataset.failed);
}

// The count of check-ins waiting, notes for any the server refused, and the page's own
// check-in once someone (this page, another tab or the worker) has sent it.
async function refresh() {
  const mine = pendingKey; // as it was before reading: a later one may not be stored yet
  let items;
  let failures;
  try {
    [items, failures] = await Promise.all([outbox.waiting(person), outbox.failures(person)]);
  } catch {
    return; // no IndexedDB: nothing is ever queued
  }
  status.textContent = waitingText(items.length);
  status.hidden = false;
  document.getElementById("offline-note").hidden = navigator.onLine !== false;
  if (mine && mine === pendingKey && !draining && !items.some((item) => item.key === mine)) {
    const failure = failures.find((note) => note.key === mine);
    if (failure) {
      outbox.forgetFailures([failure.key]);
      failures = failures.filter((note) => note !== failure);
      showRejected(failure.errors);
    } else {
      showSaved(null);
    }
  }
  failedBox.hidden = !failures.length;
  if (failures.length) {
    failedBox.querySelector("p").textContent = failedText(failures.length);
  }
}

// Drains run by this page report on its own check-in with the server's answer (and advice);
// meanwhile refresh() leaves that to them.
async function drainHere() {
  if (navigator.onLine === false) return;
  draining += 1;
  try {
    settle(await outbox.drain({ person, csrfToken: csrfToken() }));
  } catch {
    // The store failed mid-way: what is left stays queued for the next try.
  } finally {
    draining -= 1;
  }
}

async function flush() {
  await drainHere();
  refresh();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  save();
});
document.getElementById("outbox-failed-dismiss").addEventListener("click", async () => {
  const notes = await outbox.failures(person).catch(() => []);
  await outbox.forgetFailures(notes.map((note) => note.key)).catch(() => {});
  refresh();
});
outbox.onChange(() => refresh());
addEventListener("online", flush);
addEventListener("offline", refresh);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") flush();
});
flush();
