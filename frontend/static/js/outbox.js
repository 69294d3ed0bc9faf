// The check-in outbox: check-ins kept in IndexedDB until the server has answered for them.
//
// One file serves both sides, so they cannot drift apart: the check-in page loads it as a
// module for its side effect, and the service worker, a classic script, pulls it in with
// importScripts. That is why it has no module statements and hands out its functions on
// `self.tonusOutbox` instead.
(() => {
  const DB_NAME = "tonus-outbox";
  const WAITING = "checkins";
  const FAILED = "failed";
  const ENDPOINT = "/api/v1/checkins/";
  const TIMEOUT_MS = 15000;
  const SYNC_TAG = "tonus-checkins";
  const CHANNEL = "tonus-outbox";
  const channel = "BroadcastChannel" in self ? new BroadcastChannel(CHANNEL) : null;

  let opened = null;
  function database() {
    opened ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(WAITING, { keyPath: "key" });
        request.result.createObjectStore(FAILED, { keyPath: "key" });
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => {
          db.close();
          opened = null;
        };
        resolve(db);
      };
      request.onerror = () => {
        opened = null;
        reject(request.error);
      };
    });
    return opened;
  }

  // One transaction; `work` gets the stores by name and may return a request to read.
  async function transact(names, mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode);
      const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
      const request = work(stores);
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  const changed = () => channel?.postMessage("changed");
  const mine = (items, person) =>
    person == null ? items : items.filter((item) => item.person === person);

  // item: { key (the idempotency key), person, csrfToken, body (the JSON posted), queuedAt }
  async function add(item) {
    await transact([WAITING], "readwrite", (s) => void s[WAITING].put(item));
    changed();
  }

  async function waiting(person = null) {
    const items = await transact([WAITING], "readonly", (s) => s[WAITING].getAll());
    return mine(items, person).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  }

  async function failures(person = null) {
    return mine(await transact([FAILED], "readonly", (s) => s[FAILED].getAll()), person);
  }

  // Everything, for every person: used when someone logs out of a shared phone.
  async function clear() {
    await transact([WAITING, FAILED], "readwrite", (s) => {
      s[WAITING].clear();
      s[FAILED].clear();
    });
    changed();
  }

  async function forgetFailures(keys) {
    await transact([FAILED], "readwrite", (s) => keys.forEach((key) => s[FAILED].delete(key)));
    changed();
  }

  // One POST. Resolves with the answer, whatever its status; rejects when no answer came.
  async function send(body, csrfToken) {
    const controller = new AbortController();
    // A phone on a bad signal can hang for minutes: give up and keep the item instead.
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(ENDPOINT, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken || "",
        },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      return { status: response.status, data: await response.json().catch(() => null) };
    } finally {
      clearTimeout(timer);
    }
  }

  // Page and worker may both drain at once; a lock keeps them from sending the same item
  // side by side. Harmless without one: the idempotency key stores it once either way.
  const withLock = (work) =>
    self.navigator && self.navigator.locks
      ? self.navigator.locks.request(CHANNEL, work)
      : work();

  // Sends what waits, oldest first, each with its own idempotency key. Only a 200 or 201
  // removes an item. A 400 means the server will never take it: it moves to the failed store
  // so the page can say so. 401 and 403 (signed out, or a CSRF token from an older session)
  // skip the item for now; no answer or server trouble ends the round, the rest stays queued.
  // The page passes its person and a fresh CSRF token; the worker passes neither and uses
  // the token stored with each item.
  function drain({ person = null, csrfToken = null } = {}) {
    return withLock(async () => {
      const sent = [];
      const rejected = [];
      for (const item of await waiting(person)) {
        let answer;
        try {
          answer = await send(item.body, csrfToken || item.csrfToken);
        } catch {
          break;
        }
        if (answer.status === 200 || answer.status === 201) {
          await transact([WAITING], "readwrite", (s) => void s[WAITING].delete(item.key));
          sent.push({ key: item.key, data: answer.data || {} });
        } else if (answer.status === 400) {
          const note = {
            key: item.key,
            person: item.person,
            recordedAt: item.body.recorded_at,
            errors: answer.data || {},
          };
          await transact([WAITING, FAILED], "readwrite", (s) => {
            s[WAITING].delete(item.key);
            s[FAILED].put(note);
          });
          rejected.push({ key: item.key, errors: note.errors });
        } else if (answer.status !== 401 && answer.status !== 403) {
          break;
        }
        changed();
      }
      return { sent, rejected, left: (await waiting(person)).length };
    });
  }

  function onChange(callback) {
    if ("BroadcastChannel" in self) new BroadcastChannel(CHANNEL).onmessage = callback;
  }

  self.tonusOutbox = { SYNC_TAG, add, waiting, failures, forgetFailures, clear, send, drain, onChange };
})();
