import { guardLogout } from "./logout.js";
import { setUpReminders } from "./push.js";
import { offerDeviceZone, prefillZone } from "./timezone.js";

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" });
}

const zoneSelect = document.querySelector('form[data-zone-prefill] select[name="time_zone"]');
if (zoneSelect) prefillZone(zoneSelect);
offerDeviceZone();
setUpReminders();
guardLogout();
