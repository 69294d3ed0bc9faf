"""How dates and times read in Spanish: day first, the month in words, 24-hour clock.

One way everywhere: "27 de diciembre de 2026", "27 de diciembre", "27 de diciembre, 18:30",
"dom 27 de diciembre, 18:30", "diciembre de 2026". The same names as ../en/formats.py;
numbers keep Django's Spanish separators (a decimal comma).
"""

DATE_FORMAT = r"j \d\e F \d\e Y"  # 27 de diciembre de 2026
SHORT_DATE_FORMAT = r"j \d\e F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"  # 27 de diciembre
TIME_FORMAT = "H:i"  # 18:30
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"  # 27 de diciembre de 2026, 18:30
SHORT_DATETIME_FORMAT = r"j \d\e F, H:i"  # 27 de diciembre, 18:30
YEAR_MONTH_FORMAT = r"F \d\e Y"  # diciembre de 2026
WEEKDAY_DATETIME_FORMAT = r"D j \d\e F, H:i"  # dom 27 de diciembre, 18:30
WEEKDAY_TIME_FORMAT = "l H:i"  # domingo 18:30
