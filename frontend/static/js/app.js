import { guardLogout } from "./logout.js";
import { setUpReminders } from "./push.js";
import { offerDeviceZone, prefillZone } from "./timezone.js";

// A page restored by the back button from the browser's memory was made for whoever was
// signed in then: ask the server again, which knows who is signed in, and for whom, now.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) location.reload();
});

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(offerUpdates, () => {});
}

// A new version installs in the background and waits; the person chooses when to switch,
// so a half-filled check-in is never reloaded away.
function offerUpdates(registration) {
  const banner = document.getElementById("update-ready");
  if (!banner) return;
  const offer = (worker) => {
    banner.hidden = false;
    document.getElementById("update-now").addEventListener("click", () => {
      navigator.serviceWorker.addEventListener("controllerchange", () => location.reload());
      worker.postMessage("skip-waiting");
    });
  };
  // Only an update waits: with no controller this is the first install, nothing to offer.
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
}

const zoneSelect = document.querySelector('form[data-zone-prefill] select[name="time_zone"]');
if (zoneSelect) prefillZone(zoneSelect);
offerDeviceZone();
setUpReminders();
guardLogout();

// No inline handlers (the Content Security Policy forbids them): buttons say what they do.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
