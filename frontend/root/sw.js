{% load static %}// Tonus service worker: offline app shell and reminder notifications.
// Rendered by Django so the precache list names the current hashed static files.
const VERSION = "{{ version }}";
const SHELL_CACHE = `tonus-shell-${VERSION}`;
const PRECACHE = {{ precache_json|safe }};
const OFFLINE_URL = "/offline/";
// Opened from a reminder or the home screen, often where the signal is poor.
const CHECKIN_PAGE = "/checkins/new/";

// The check-in outbox, the same file the check-in page uses: one reader and sender of the
// IndexedDB queue for both. A classic worker cannot load ES modules, so that file is a plain
// script (see its header) and comes in with importScripts, at the top as workers require.
importScripts("{% static 'js/outbox.js' %}");

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(PRECACHE)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith("tonus-shell-") && name !== SHELL_CACHE)
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
    // Pages hold personal data and change often: from the network, the shell offline. Only
    // the check-in page also keeps a copy (see checkinPage).
    const network = fetch(request);
    if (url.pathname === CHECKIN_PAGE) {
      event.respondWith(checkinPage(event, network));
    } else {
      event.respondWith(network.catch(() => caches.match(OFFLINE_URL)));
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

// The check-in page is the one page kept for offline use: network first, else the last copy.
// The copy is stored under the bare path, so a reminder's /checkins/new/?occurrence=… finds
// it too; the page's script takes the reminder from the address, not from the copy. It goes
// in the shell cache because it names that shell's hashed files: a new version drops both.
async function checkinPage(event, network) {
  try {
    const response = await network;
    // Only a real page: not the login redirect of an expired session, not an error page.
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.put(CHECKIN_PAGE, copy)));
    }
    return response;
  } catch {
    const cached = await caches.match(CHECKIN_PAGE, { ignoreVary: true });
    return cached || caches.match(OFFLINE_URL);
  }
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
  if ((action === "done" || action === "snooze") && token) {
    // Done and Snooze work from a locked phone without opening Tonus; if the request
    // fails (no signal), open the reminder so the person can tap again there.
    const ok = await postAction(token, action).catch(() => false);
    if (ok) return;
  }
  await openOrFocus(url);
}

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(handleNotificationClick(event.notification, event.action));
});
