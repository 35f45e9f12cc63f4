"""Europe/Stockholm offsets and the Swedish working-day calendar for the demo
generators (make_deviations.py, make_lex_sarah.py), stdlib only.  The same
rules as sqm's src/calendar.c, with the de-facto eves closed."""

import datetime as dt

def last_sunday(year, month):
    d = dt.date(year, month + 1, 1) - dt.timedelta(days=1) if month < 12 else dt.date(year, 12, 31)
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


def utc_offset_hours(local):
    """+1 (CET) or +2 (CEST) for a local wall-clock time (02:00-03:59 never generated)."""
    start = dt.datetime.combine(last_sunday(local.year, 3), dt.time(2))
    end = dt.datetime.combine(last_sunday(local.year, 10), dt.time(3))
    return 2 if start <= local < end else 1


def easter(year):
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    return dt.date(year, month, (h + l - 7 * m + 114) % 31 + 1)


_HOLIDAYS = {}


def holidays(year):
    if year not in _HOLIDAYS:
        e = easter(year)
        hs = {dt.date(year, 1, 1), dt.date(year, 1, 6), dt.date(year, 5, 1), dt.date(year, 6, 6),
              dt.date(year, 12, 24), dt.date(year, 12, 25), dt.date(year, 12, 26), dt.date(year, 12, 31),
              e - dt.timedelta(days=2), e + dt.timedelta(days=1), e + dt.timedelta(days=39)}
        hs.add(next(dt.date(year, 6, d) for d in range(19, 26) if dt.date(year, 6, d).weekday() == 4))
        _HOLIDAYS[year] = hs
    return _HOLIDAYS[year]


def is_working_day(d):
    return d.weekday() < 5 and d not in holidays(d.year)


def next_working_day(d, n=0):
    """The n-th working day on or after d (n=0: d itself if it is one)."""
    while not is_working_day(d):
        d += dt.timedelta(days=1)
    for _ in range(n):
        d += dt.timedelta(days=1)
        while not is_working_day(d):
            d += dt.timedelta(days=1)
    return d
