{% load static %}// Tonus service worker: offline app shell and reminder notifications.
// Rendered by Django so the precache list names the current hashed static files.
const VERSION = "{{ version }}";
const SHELL_CACHE = `tonus-shell-${VERSION}`;
const PRECACHE = {{ precache_json|safe }};
const OFFLINE_URL = "/offline/";

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
    // Pages hold personal data and change often: always from the network, the shell offline.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
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
