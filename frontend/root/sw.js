{% load static %}// Tonus service worker: offline app shell and reminder notifications.
// Rendered by Django so the precache list names the current hashed static files.
const VERSION = "{{ version }}";
const SHELL_CACHE = `tonus-shell-${VERSION}`;
// The last copy of the pages a person reads offline. Kept apart from the shell so that
// logging out deletes every personal copy at once (see js/logout.js), and versioned with it
// because a copy names that version's hashed static files.
const PAGES_CACHE = `tonus-pages-${VERSION}`;
const PRECACHE = {{ precache_json|safe }};
const OFFLINE_URL = "/offline/";
// Opened from a reminder or the home screen, often where the signal is poor.
const CHECKIN_PAGE = "/checkins/new/";
// Today, the plan and the trend: what a person wants to look at on a train or in a clinic
// basement. Network first; offline, the last copy with a note saying so.
const OFFLINE_PAGES = new Set(["/", "/plans/", "/checkins/trend/", CHECKIN_PAGE]);
// Whose pages the copies show, as the server said (X-Tonus-Person), kept beside them.
const PERSON_KEY = "/__tonus-person";

// The check-in outbox, the same file the check-in page uses: one reader and sender of the
// IndexedDB queue for both. A classic worker cannot load ES modules, so that file is a plain
// script (see its header) and comes in with importScripts, at the top as workers require.
importScripts("{% static 'js/outbox.js' %}");

self.addEventListener("install", (event) => {
  // No skipWaiting here: an update waits until the person taps "Update now" (js/app.js), so
  // a page never runs half old, half new. The first install activates at once anyway.
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const current = [SHELL_CACHE, PAGES_CACHE];
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith("tonus-") && !current.includes(name))
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    // Pages hold personal data and change often: from the network; offline, the last copy
    // of the few pages kept for that, else the shell's offline page.
    const network = fetch(request);
    if (OFFLINE_PAGES.has(url.pathname)) {
      event.respondWith(networkThenCopy(event, url.pathname, network));
    } else {
      event.respondWith(network.catch(() => caches.match(OFFLINE_URL)));
      event.waitUntil(network.then(forgetOtherPeople, () => {}));
    }
    // A page that opens online is the moment to send check-ins still waiting, also in
    // browsers without Background Sync.
    event.waitUntil(network.then(() => self.tonusOutbox.drain(), () => {}).catch(() => {}));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    // Hashed names never change content: the cache is always right.
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});

// Network first, else the last copy. The copy is stored under the bare path, so a
// reminder's /checkins/new/?occurrence=… finds it too; the check-in page's script takes the
// reminder from the address, not from the copy.
async function networkThenCopy(event, path, network) {
  try {
    const response = await network;
    // Only a real page: not the login redirect of an expired session, not an error page.
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      event.waitUntil(
        forgetOtherPeople(response).then(async () => {
          const cache = await caches.open(PAGES_CACHE);
          await cache.put(path, copy);
        }),
      );
    }
    return response;
  } catch {
    const cached = await caches.match(path, { cacheName: PAGES_CACHE, ignoreVary: true });
    if (!cached) return caches.match(OFFLINE_URL);
    // The check-in page works offline on its own; the others say they are a saved copy.
    return path === CHECKIN_PAGE ? cached : markedAsCopy(cached);
  }
}

// Copies belong to the person whose data they show. A page for someone else (another login,
// or the person a caregiver or therapist now acts for) deletes every copy of the previous
// person's pages first: offline, no one is shown another person's plan or trend.
async function forgetOtherPeople(response) {
  const person = response.headers.get("X-Tonus-Person");
  if (person === null) return; // not a page of anyone's (log-in, errors)
  const cache = await caches.open(PAGES_CACHE);
  const kept = await cache.match(PERSON_KEY);
  if (kept && (await kept.text()) === person) return;
  for (const key of await cache.keys()) await cache.delete(key);
  await cache.put(PERSON_KEY, new Response(person));
}

// Each page carries a hidden note (web/base.html) saying it is the copy from the time it was
// made; offline, the copy is shown with the note visible.
async function markedAsCopy(response) {
  const html = (await response.text()).replace('id="offline-copy" hidden', 'id="offline-copy"');
  return new Response(html, { status: 200, headers: response.headers });
}

// Background Sync: the check-in page registers this tag when a check-in could not be sent.
// A rejected promise asks the browser to try again later.
async function syncCheckins() {
  const round = await self.tonusOutbox.drain();
  if (round.left) throw new Error(`${round.left} check-ins still waiting`);
}

self.addEventListener("sync", (event) => {
  if (event.tag === self.tonusOutbox.SYNC_TAG) event.waitUntil(syncCheckins());
});

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data.text() };
  }
  // Some platforms show only two actions; tapping the notification itself opens the check-in.
  const actions = (message.actions || []).slice(0, Notification.maxActions || 2);
  event.waitUntil(
    self.registration.showNotification(message.title || "Tonus", {
      body: message.body || "",
      tag: message.tag,
      icon: "{% static 'icons/icon-192.png' %}",
      badge: "{% static 'icons/badge-96.png' %}",
      actions,
      data: { url: message.url || "/", token: message.token, occurrence: message.occurrence },
    }),
  );
});

async function postAction(token, action) {
  // No session cookie or CSRF token here: the signed token in the payload is the key.
  const response = await fetch("/api/v1/reminders/action/", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ token, action }),
  });
  return response.ok;
}

async function openOrFocus(url) {
  const target = new URL(url, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => client.url === target);
  if (open) return open.focus();
  return self.clients.openWindow(target);
}

// What a tap on a notification does. A plain function, so the notification path can be
// exercised on its own (browser tests call it with a shown notification).
async function handleNotificationClick(notification, action) {
  const { url = "/", token } = notification.data || {};
  notification.close();
  if (["done", "snooze", "together", "again"].includes(action) && token) {
    // Done and Snooze (and a support person's Done together and Remind again) work from a
    // locked phone without opening Tonus; if the request fails (no signal), open the
    // reminder so the person can tap again there.
    const ok = await postAction(token, action).catch(() => false);
    if (ok) return;
  }
  await openOrFocus(url);
}

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(handleNotificationClick(event.notification, event.action));
});
