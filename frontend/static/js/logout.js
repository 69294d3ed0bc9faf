import { format, ngettext } from "./i18n.js";
import "./outbox.js";

// Logging out leaves nothing of the person's health data on a shared phone: check-ins still
// waiting to be sent (after asking) and the copies of pages kept for offline use (sw.js).
async function forgetThisPhone() {
  await self.tonusOutbox.clear();
  if ("caches" in self) {
    for (const name of await caches.keys()) {
      if (name.startsWith("tonus-pages-")) await caches.delete(name);
    }
  }
}

export function guardLogout() {
  const form = document.querySelector('form[action$="/accounts/logout/"]');
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const waiting = await self.tonusOutbox.waiting().catch(() => []);
    const message = format(
      ngettext(
        "%(count)s check-in has not been sent yet. Log out anyway? It will be deleted from this phone.",
        "%(count)s check-ins have not been sent yet. Log out anyway? They will be deleted from this phone.",
        waiting.length,
      ),
      { count: waiting.length },
    );
    if (waiting.length && !window.confirm(message)) return;
    await forgetThisPhone();
    form.submit();
  });
}
