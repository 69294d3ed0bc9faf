// JSON calls to the Tonus API with the session cookie and Django's CSRF token.
import { format, gettext } from "./i18n.js";

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

export async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      "X-CSRFToken": csrfToken(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    // The API's own messages come in the person's language; this one is for the rest.
    const fallback = format(gettext("Something went wrong (error %(status)s). Please try again."), {
      status: response.status,
    });
    const error = new Error(data?.detail ?? fallback);
    error.status = response.status;
    error.data = data;
    throw error;
  }
  return data;
}
