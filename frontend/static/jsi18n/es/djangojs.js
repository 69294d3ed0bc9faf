
'use strict';
{
  const globals = this;
  const django = globals.django || (globals.django = {});

  
  django.pluralidx = function(n) {
    const v = (n != 1);
    if (typeof v === 'boolean') {
      return v ? 1 : 0;
    } else {
      return v;
    }
  };
  

  /* gettext library */

  django.catalog = django.catalog || {};
  
  const newcatalog = {
    "%(count)s check-in has not been sent yet. Log out anyway? It will be deleted from this phone.": [
      "%(count)s registro todav\u00eda no se ha enviado. \u00bfSalir de todos modos? Se borrar\u00e1 de este tel\u00e9fono.",
      "%(count)s registros todav\u00eda no se han enviado. \u00bfSalir de todos modos? Se borrar\u00e1n de este tel\u00e9fono."
    ],
    "%(count)s check-in waiting to sync": [
      "%(count)s registro esperando para enviarse",
      "%(count)s registros esperando para enviarse"
    ],
    "A check-in made while offline could not be saved: one of its values was not accepted. Please check in again.": [
      "Un registro hecho sin conexi\u00f3n no se pudo guardar: uno de sus valores no era v\u00e1lido. Por favor, vuelve a registrar.",
      "%(count)s registros hechos sin conexi\u00f3n no se pudieron guardar: algunos valores no eran v\u00e1lidos. Por favor, vuelve a registrar."
    ],
    "Add Tonus to your home screen to get reminders.": "A\u00f1ade Tonus a tu pantalla de inicio para recibir recordatorios.",
    "Checking the file: %(done)s of %(total)s rows.": "Revisando el archivo: %(done)s de %(total)s filas.",
    "No check-ins waiting to sync": "Ning\u00fan registro esperando para enviarse",
    "Notifications are blocked for Tonus. Allow them in your browser's site settings.": "Las notificaciones de Tonus est\u00e1n bloqueadas. Perm\u00edtelas en los ajustes del sitio de tu navegador.",
    "Reminders are off on this phone.": "Los recordatorios est\u00e1n desactivados en este tel\u00e9fono.",
    "Reminders are on for this phone.": "Los recordatorios est\u00e1n activados en este tel\u00e9fono.",
    "Something went wrong (error %(status)s). Please try again.": "Algo sali\u00f3 mal (error %(status)s). Vuelve a intentarlo.",
    "Test reminder sent. It should appear in a few seconds.": "Recordatorio de prueba enviado. Deber\u00eda aparecer en unos segundos.",
    "That did not work. Check your connection and try again.": "No ha funcionado. Revisa tu conexi\u00f3n y vuelve a intentarlo.",
    "This browser cannot show reminders.": "Este navegador no puede mostrar recordatorios."
  };
  for (const key in newcatalog) {
    django.catalog[key] = newcatalog[key];
  }
  

  if (!django.jsi18n_initialized) {
    django.gettext = function(msgid) {
      const value = django.catalog[msgid];
      if (typeof value === 'undefined') {
        return msgid;
      } else {
        return (typeof value === 'string') ? value : value[0];
      }
    };

    django.ngettext = function(singular, plural, count) {
      const value = django.catalog[singular];
      if (typeof value === 'undefined') {
        return (count == 1) ? singular : plural;
      } else {
        return value.constructor === Array ? value[django.pluralidx(count)] : value;
      }
    };

    django.gettext_noop = function(msgid) { return msgid; };

    django.pgettext = function(context, msgid) {
      let value = django.gettext(context + '\x04' + msgid);
      if (value.includes('\x04')) {
        value = msgid;
      }
      return value;
    };

    django.npgettext = function(context, singular, plural, count) {
      let value = django.ngettext(context + '\x04' + singular, context + '\x04' + plural, count);
      if (value.includes('\x04')) {
        value = django.ngettext(singular, plural, count);
      }
      return value;
    };

    django.interpolate = function(fmt, obj, named) {
      if (named) {
        return fmt.replace(/%\(\w+\)s/g, function(match){return String(obj[match.slice(2,-2)])});
      } else {
        return fmt.replace(/%s/g, function(match){return String(obj.shift())});
      }
    };


    /* formatting library */

    django.formats = {
    "DATETIME_FORMAT": "j \\d\\e F \\d\\e Y, H:i",
    "DATETIME_INPUT_FORMATS": [
      "%d/%m/%Y %H:%M:%S",
      "%d/%m/%Y %H:%M:%S.%f",
      "%d/%m/%Y %H:%M",
      "%d/%m/%y %H:%M:%S",
      "%d/%m/%y %H:%M:%S.%f",
      "%d/%m/%y %H:%M",
      "%Y-%m-%d %H:%M:%S",
      "%Y-%m-%d %H:%M:%S.%f",
      "%Y-%m-%d %H:%M",
      "%Y-%m-%d"
    ],
    "DATE_FORMAT": "j \\d\\e F \\d\\e Y",
    "DATE_INPUT_FORMATS": [
      "%d/%m/%Y",
      "%d/%m/%y",
      "%Y-%m-%d"
    ],
    "DECIMAL_SEPARATOR": ",",
    "FIRST_DAY_OF_WEEK": 1,
    "MONTH_DAY_FORMAT": "j \\d\\e F",
    "NUMBER_GROUPING": 3,
    "SHORT_DATETIME_FORMAT": "j \\d\\e F, H:i",
    "SHORT_DATE_FORMAT": "j \\d\\e F \\d\\e Y",
    "THOUSAND_SEPARATOR": "\u00a0",
    "TIME_FORMAT": "H:i",
    "TIME_INPUT_FORMATS": [
      "%H:%M:%S",
      "%H:%M:%S.%f",
      "%H:%M"
    ],
    "YEAR_MONTH_FORMAT": "F \\d\\e Y"
  };

    django.get_format = function(format_type) {
      const value = django.formats[format_type];
      if (typeof value === 'undefined') {
        return format_type;
      } else {
        return value;
      }
    };

    /* add to global namespace */
    globals.pluralidx = django.pluralidx;
    globals.gettext = django.gettext;
    globals.ngettext = django.ngettext;
    globals.gettext_noop = django.gettext_noop;
    globals.pgettext = django.pgettext;
    globals.npgettext = django.npgettext;
    globals.interpolate = django.interpolate;
    globals.get_format = django.get_format;

    django.jsi18n_initialized = true;
  }
};

