"""How dates and times read in English: day first, the month as a short word, 24-hour clock.

One way everywhere: "27 Dec 2026", "27 Dec", "27 Dec, 18:30", "Sun 27 Dec, 18:30",
"December 2026". Templates name these (`|date:"MONTH_DAY_FORMAT"`), never a literal pattern;
frontend/static/js/dates.js draws the same in the browser. Spanish (../es/formats.py) has
the same names in the same order.
"""

DATE_FORMAT = "j M Y"  # 27 Dec 2026
SHORT_DATE_FORMAT = "j M Y"
MONTH_DAY_FORMAT = "j M"  # 27 Dec
TIME_FORMAT = "H:i"  # 18:30
DATETIME_FORMAT = "j M Y, H:i"  # 27 Dec 2026, 18:30
SHORT_DATETIME_FORMAT = "j M, H:i"  # 27 Dec, 18:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
# Tonus's own names, for what the names above do not cover.
WEEKDAY_DATETIME_FORMAT = "D j M, H:i"  # Sun 27 Dec, 18:30
WEEKDAY_TIME_FORMAT = "l H:i"  # Sunday 18:30
