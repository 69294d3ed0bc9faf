// The modules' texts in the page's language. base.html loads the static catalog for it
// (jsi18n/<language>/djangojs.js, made from locale/<language>/LC_MESSAGES/djangojs.po by
// `bin/messages compile`) as a classic script before any module runs; it defines
// `django.gettext` and friends. Without it the English source texts show.
const catalog = globalThis.django ?? {};

export const gettext = catalog.gettext ?? ((text) => text);
export const ngettext =
  catalog.ngettext ?? ((singular, plural, count) => (count === 1 ? singular : plural));

// format("%(count)s check-ins", { count: 2 }): the named placeholders Django's tools check.
export const format = (text, values) =>
  text.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? String(values[name]) : match));
