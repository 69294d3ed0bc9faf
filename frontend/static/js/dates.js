// Dates drawn in the browser, the way backend/config/formats writes them on the server for the
// page's language: "27 Dec 2026" in English, "27 de diciembre de 2026" in Spanish.
const LANGUAGES = {
  en: { locale: "en-GB", month: "short" },
  es: { locale: "es-ES", month: "long" },
};

const FORMATS = {
  DATE_FORMAT: { day: "numeric", year: "numeric" },
  MONTH_DAY_FORMAT: { day: "numeric" },
  TIME_FORMAT: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  YEAR_MONTH_FORMAT: { year: "numeric", month: "long" },
};

// Intl writes September "Sept" in British English; the server writes "Sep".
const likeTheServer = (text) => text.replace("Sept", "Sep");

export function dateFormatter(name, language = document.documentElement.lang) {
  const { locale, month } = LANGUAGES[(language || "en").split("-")[0]] || LANGUAGES.en;
  const options = { ...FORMATS[name] };
  if (name !== "TIME_FORMAT") options.month ??= month;
  const intl = new Intl.DateTimeFormat(locale, options);
  return { format: (date) => likeTheServer(intl.format(date)) };
}
