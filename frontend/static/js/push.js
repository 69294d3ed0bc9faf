import { api } from "./api.js";
import { gettext } from "./i18n.js";

const text = {
  unsupported: gettext("This browser cannot show reminders."),
  iosInstall: gettext("Add Tonus to your home screen to get reminders."),
  denied: gettext("Notifications are blocked for Tonus. Allow them in your browser's site settings."),
  off: gettext("Reminders are off on this phone."),
  on: gettext("Reminders are on for this phone."),
  sent: gettext("Test reminder sent. It should appear in a few seconds."),
  failed: gettext("That did not work. Check your connection and try again."),
};

const isIos = () =>
  /iPad|iPhone|iPod/.test(navigator.userAgent) ||
  (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
const isStandalone = () =>
  window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;

function keyBytes(base64url) {
  const padded = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4))
    .replace(/-/g, "+")
    .replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function saveSubscription(subscription) {
  await api("POST", "/api/v1/devices/", {
    ...subscription.toJSON(),
    user_agent: navigator.userAgent,
  });
}

export async function setUpReminders() {
  const status = document.getElementById("push-status");
  const enable = document.getElementById("enable-push");
  const test = document.getElementById("test-push");
  if (!status) return;
  const show = (message, { canEnable = false, canTest = false } = {}) => {
    status.textContent = message;
    enable.hidden = !canEnable;
    test.hidden = !canTest;
  };

  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    // iOS Safari offers push only to a web app opened from the home screen.
    if (isIos() && !isStandalone()) {
      document.getElementById("ios-hint").hidden = false;
      show(text.iosInstall);
    } else {
      show(text.unsupported);
    }
    return;
  }
  const registration = await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  if (Notification.permission === "denied") show(text.denied);
  else if (existing && Notification.permission === "granted") {
    // Keep the server's copy current: the browser may have renewed the subscription.
    await saveSubscription(existing).catch(() => {});
    show(text.on, { canTest: true });
  } else show(text.off, { canEnable: true });

  // Permission is asked only here, after a tap: never on page load.
  enable.addEventListener("click", async () => {
    enable.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        show(permission === "denied" ? text.denied : text.off, { canEnable: permission !== "denied" });
        return;
      }
      const key = document.querySelector('meta[name="vapid-public-key"]').content;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(key),
      });
      await saveSubscription(subscription);
      show(text.on, { canTest: true });
    } catch {
      show(text.failed, { canEnable: true });
    } finally {
      enable.disabled = false;
    }
  });

  test.addEventListener("click", async () => {
    test.disabled = true;
    try {
      await api("POST", "/api/v1/reminders/test/");
      show(text.sent, { canTest: true });
    } catch (error) {
      show(error.status ? error.message : text.failed, { canTest: true });
    } finally {
      test.disabled = false;
    }
  });
}
