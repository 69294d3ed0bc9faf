import { api } from "./api.js";

export const deviceZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

// Sign-up: preselect the phone's zone (the form asks for it only when first shown).
export function prefillZone(select) {
  const zone = deviceZone();
  if ([...select.options].some((option) => option.value === zone)) select.value = zone;
}

// Home: offer the phone's zone when it differs from the saved one (after travel, say).
export function offerDeviceZone() {
  const saved = document.getElementById("saved-zone");
  const box = document.getElementById("zone-mismatch");
  if (!saved || !box) return;
  const zone = deviceZone();
  if (!zone || zone === saved.textContent.trim()) return;
  document.getElementById("device-zone").textContent = zone;
  box.hidden = false;
  document.getElementById("use-device-zone").addEventListener("click", async () => {
    const person = await api("PATCH", "/api/v1/accounts/me/", { time_zone: zone });
    saved.textContent = person.time_zone;
    box.hidden = true;
  });
}
