#!/usr/bin/env python3
"""Generate the demo organisation's deviation reports (avvikelser), 2022-2025.

Writes demo/deviations.csv: one row per deviation report (SoL/LSS, HSL and
collaboration), event level, deterministic (fixed seed), made to reproduce the
published figures in shared/reference/alingsas-published-figures.md.

    python3 make_deviations.py            # write deviations.csv
    python3 make_deviations.py --check    # re-read the CSV, print CHECK.md, exit 1 on mismatch

Python 3 standard library only.  Kept for provenance; not run by the tests.
"""
import csv
import datetime as dt
import os
import random
import sys

from stockholm import is_working_day, next_working_day, utc_offset_hours

SEED = 20250131
HERE = os.path.dirname(os.path.abspath(__file__))
CSV_PATH = os.path.join(HERE, 'deviations.csv')
END_OF_DATA = dt.datetime(2025, 12, 31, 23, 59)  # local time, Europe/Stockholm

COLUMNS = ['ref', 'regime', 'unit', 'happened_at', 'reported_at', 'types', 'severity',
           'triaged_at', 'investigated_at', 'escalated_at', 'measures', 'measures_done_at',
           'no_measure_needed', 'closed_at', 'collab_direction', 'collab_counterpart',
           'collab_reply_due', 'summary']

# --------------------------------------------------------------------------
# Organisation
ADM, D_VUXNA, D_SOA = 'Avdelning Administration', 'Avdelning Vuxna', 'Avdelning Stöd och arbete'
BOU1, BOU2, FH, FS = 'Barn och unga 1', 'Barn och unga 2', 'Familjehem', 'Familjestöd'
VUXNA, VS, BS, BOS, BOENDE = 'Vuxna', 'Vuxenstöd', 'Beroendestöd', 'Boendestöd', 'Boende'
SOF, AM, VOI = 'Stöd och försörjning', 'Arbetsmarknad', 'Vägledning och integration'

UNIT_VALID = {FS: (dt.date(2022, 1, 1), dt.date(2024, 12, 31)),
              VOI: (dt.date(2025, 1, 1), dt.date(9999, 12, 31))}
# After the 2025 reorganisation the 2024 department row is shown under Arbetsmarknad.
MAP_TO_2025 = {D_SOA: AM}

# SoL/LSS reports per unit and report year (2024/2025 as published; 2022/2023 plausible).
UNIT_COUNTS = {
    2022: {ADM: 2, BOU1: 8, BOU2: 10, FH: 2, FS: 1, VUXNA: 4, VS: 1, BS: 1, BOENDE: 3, SOF: 4, AM: 1},
    2023: {ADM: 2, BOU1: 9, BOU2: 11, FH: 2, FS: 1, VUXNA: 4, VS: 1, BS: 2, BOS: 1, BOENDE: 3, SOF: 3,
           AM: 1},
    2024: {ADM: 4, D_SOA: 1, BOU1: 18, BOU2: 35, BS: 2, BOS: 2, BOENDE: 7, FH: 5, FS: 1, SOF: 8,
           VUXNA: 9, VS: 1},
    2025: {ADM: 5, D_VUXNA: 1, D_SOA: 2, AM: 3, BOU1: 9, BOU2: 13, BS: 3, BOS: 1, BOENDE: 31, FH: 3,
           SOF: 12, VUXNA: 14, VS: 8, VOI: 16},
}
# Reports escalated to lex Sarah per unit (2025 follows the published investigations per
# unit; 2024: the published per-unit table sums to 21 for 20 investigations -- one came from
# a complaint, not a deviation, so Barn och unga 2 has 6 escalated reports here).
ESCALATED = {
    2022: {BOU2: 1, VUXNA: 1, BOU1: 1},
    2023: {BOU1: 2, BOU2: 2, VUXNA: 1, BOENDE: 1},
    2024: {BOU1: 7, BOU2: 6, BOENDE: 3, SOF: 1, VUXNA: 2, BS: 1},
    2025: {ADM: 1, BOU1: 4, BOU2: 2, BOENDE: 5, SOF: 5, VS: 1, VUXNA: 6, VOI: 9},
}
TYPE_COUNTS = {
    2022: {'info': 13, 'rattssakerhet': 12, 'dokumentation': 10, 'fysisk_miljo': 2, 'omvardnad': 1,
           'annat': 7},
    2023: {'info': 14, 'rattssakerhet': 13, 'dokumentation': 11, 'fysisk_miljo': 3, 'omvardnad': 1,
           'annat': 8},
    2024: {'info': 33, 'rattssakerhet': 31, 'dokumentation': 24, 'fysisk_miljo': 2, 'omvardnad': 1,
           'annat': 19},
    2025: {'info': 40, 'rattssakerhet': 38, 'dokumentation': 30, 'fysisk_miljo': 12, 'insats': 8,
           'omvardnad': 7, 'bemotande': 5},
}
TYPE_LABEL = {'info': 'Brister i informationsöverföring', 'rattssakerhet': 'Brister i rättssäkerhet',
              'dokumentation': 'Dokumentationsbrister', 'fysisk_miljo': 'Brister i fysisk miljö/teknik',
              'omvardnad': 'Omvårdnadshändelse', 'annat': 'Annat',
              'insats': 'Insats ej utförd/fel utförd', 'bemotande': 'Bemötande'}
TYPE_VALID = {'annat': (2022, 2024), 'insats': (2025, 9999), 'bemotande': (2025, 9999)}
HSL_COUNTS = {2024: {'lakemedel': 1, 'fall_utan_skada': 6, 'fall_med_skada': 2},
              2025: {'lakemedel': 11, 'fall_utan_skada': 5, 'fall_med_skada': 2}}

# Affinity of a unit group for a type (weights for the random assignment).
GROUP = {BOU1: 'unga', BOU2: 'unga', FH: 'unga', FS: 'unga',
         VUXNA: 'vuxna', VS: 'vuxna', BS: 'vuxna', BOS: 'vuxna', D_VUXNA: 'vuxna',
         BOENDE: 'boende', SOF: 'soa', AM: 'soa', VOI: 'soa', D_SOA: 'soa', ADM: 'adm'}
AFFINITY = {
    'unga':   {'info': 5, 'rattssakerhet': 6, 'dokumentation': 5, 'fysisk_miljo': 0.5, 'omvardnad': 0,
               'annat': 3, 'insats': 1, 'bemotande': 1},
    'vuxna':  {'info': 5, 'rattssakerhet': 5, 'dokumentation': 4, 'fysisk_miljo': 1, 'omvardnad': 0.3,
               'annat': 3, 'insats': 3, 'bemotande': 2},
    'boende': {'info': 3, 'rattssakerhet': 1, 'dokumentation': 3, 'fysisk_miljo': 4, 'omvardnad': 8,
               'annat': 3, 'insats': 4, 'bemotande': 2},
    'soa':    {'info': 5, 'rattssakerhet': 6, 'dokumentation': 4, 'fysisk_miljo': 2, 'omvardnad': 0,
               'annat': 3, 'insats': 1, 'bemotande': 1},
    'adm':    {'info': 5, 'rattssakerhet': 2, 'dokumentation': 5, 'fysisk_miljo': 5, 'omvardnad': 0,
               'annat': 4, 'insats': 0, 'bemotande': 0.5},
}

SUMMARIES = {
    'info': ['Information om ändrat beslut nådde inte utföraren i tid.',
             'Överlämning mellan handläggare saknade uppgift om planerat möte.',
             'Kallelse till möte skickades inte till berörd samverkanspart.',
             'Uppgift om ny kontaktperson fördes inte vidare till utföraren.',
             'Meddelande i verksamhetssystemet blev oläst under frånvaro; ingen ersättare var utsedd.',
             'Information om avbokat besök nådde inte personalen; besöket uteblev.',
             'Uppdrag till utföraren skickades utan bifogat beslut.',
             'Ärende överlämnades mellan enheter utan muntlig överlämning enligt rutin.'],
    'rattssakerhet': ['Beslut skickades utan besvärshänvisning; kompletterades i efterhand.',
                      'Utredning avslutades innan den enskilde getts möjlighet att yttra sig.',
                      'Handläggningstiden för en ansökan överskreds utan att den enskilde informerades.',
                      'Kommunicering inför beslut genomfördes inte enligt rutin.',
                      'Inkommen handling registrerades inte och handlades inte i tid.',
                      'Beslut fattades utan giltig delegation; nytt beslut fattades av rätt delegat.',
                      'Uppföljning av insats enligt beslut gjordes inte inom angiven tid.',
                      'Förhandsbedömning gjordes inte inom föreskriven tid.'],
    'dokumentation': ['Journalanteckning fördes in i fel akt; rättades samma dag.',
                      'Genomförandeplan saknades för en pågående insats.',
                      'Genomfört hembesök dokumenterades inte i journalen.',
                      'Journalanteckningar fördes inte löpande under en period.',
                      'Beslut registrerades med fel datum i verksamhetssystemet.',
                      'Handling skannades in i fel ärende; flyttades efter upptäckt.'],
    'fysisk_miljo': ['Verksamhetssystemet var otillgängligt en förmiddag; inplanerade uppgifter försenades.',
                     'Larmet i lokalen fungerade inte vid kontroll.',
                     'Digitalt möte kunde inte genomföras på grund av tekniskt fel.',
                     'Trasigt lås i entrén åtgärdades först efter flera dagar.',
                     'Utskrift hamnade på fel skrivare i en gemensam lokal; hämtades direkt.',
                     'Telefonväxeln var ur funktion under en eftermiddag.'],
    'omvardnad': ['Planerad tillsyn under natten genomfördes inte enligt plan.',
                  'Hjälp vid måltid gavs inte vid överenskommen tid.',
                  'Hjälp med personlig hygien uteblev under en dag.',
                  'Överenskommen promenad blev inte av på grund av låg bemanning.'],
    'insats': ['Beviljad insats påbörjades inte vid överenskommen tidpunkt.',
               'Planerat stödsamtal ställdes in utan att ny tid erbjöds.',
               'Insatsen utfördes på fel tid på grund av ett schemafel.',
               'Ledsagning enligt beslut uteblev vid ett tillfälle.'],
    'bemotande': ['Den enskilde upplevde bemötandet vid ett besök som otrevligt.',
                  'Ärende diskuterades så att obehöriga kunde höra.',
                  'Den enskilde upplevde att frågor inte besvarades under ett möte.'],
    'annat': ['Avtalad tid för möte dubbelbokades.',
              'Post till enheten blev liggande över en helg.',
              'Nyckel till lokalen saknades vid passbyte; återfanns samma dag.',
              'Tolk var inte bokad till ett inplanerat möte.'],
    'lakemedel': ['Kvällsdos läkemedel gavs inte enligt ordination; sjuksköterska kontaktades.',
                  'Morgondos läkemedel gavs cirka två timmar för sent.',
                  'Läkemedel saknades i dosett vid överlämning; ny leverans beställdes.',
                  'Signering av given dos saknades på signeringslistan.',
                  'Läkemedel kunde inte ges då det tagit slut; apoteket kontaktades.',
                  'Vid-behovsläkemedel gavs utan kontakt med sjuksköterska.'],
    'fall_utan_skada': ['Fall i badrummet utan synlig skada; sjuksköterska gjorde bedömning.',
                        'Påträffades sittande på golvet i rummet; ingen skada.',
                        'Fall i korridoren vid förflyttning, utan skada.',
                        'Halkade vid uppresning från stol, utan skada.'],
    'fall_med_skada': ['Fall i rummet med skada på handleden; läkarbedömning gjordes.',
                       'Fall vid entrén med sårskada; omlagd av sjuksköterska.'],
}
ESCALATED_SUMMARIES = {
    'unga': ['Skyddsbedömning gjordes inte samma dag efter inkommen orosanmälan.',
             'Planerad uppföljning av placering genomfördes inte inom angiven tid.',
             'Utredning avslutades utan att nödvändiga kontakter tagits.',
             'Beslutad insats för ett barn påbörjades inte under flera veckor.'],
    'vuxna': ['Beslutad insats uteblev under flera veckor utan att det uppmärksammades.',
              'Uppgifter om risk fördes inte vidare mellan handläggare.',
              'Planerad kontakt efter utskrivning från sjukhus blev inte av.'],
    'boende': ['Tillsyn under natten uteblev trots beslutad insats.',
               'Beslutad insats utfördes inte under en helg.',
               'Den enskilde lämnades utan stöd vid ett akut tillfälle.'],
    'soa': ['Ansökan om ekonomiskt bistånd blev liggande obehandlad i flera veckor.',
            'Uppgifter om risk fördes inte vidare mellan handläggare.',
            'Beslut verkställdes inte i tid och den enskilde informerades inte.'],
    'adm': ['Inkommen orosanmälan registrerades men vidarebefordrades inte till handläggare.'],
}
# Ordinary summaries only fit some units: texts tied to one unit group.
GROUP_ONLY = {'Förhandsbedömning gjordes inte inom föreskriven tid.': {'unga'},
              'Ledsagning enligt beslut uteblev vid ett tillfälle.': {'vuxna', 'boende'},
              'Överenskommen promenad blev inte av på grund av låg bemanning.': {'boende'},
              'Hjälp med personlig hygien uteblev under en dag.': {'boende'},
              'Planerad tillsyn under natten genomfördes inte enligt plan.': {'boende'},
              'Hjälp vid måltid gavs inte vid överenskommen tid.': {'boende'},
              'Nyckel till lokalen saknades vid passbyte; återfanns samma dag.': {'boende'}}
JOINT_EVENT = ('Beslutad samordnad insats genomfördes inte; ansvaret var oklart mellan två enheter.')

# --------------------------------------------------------------------------
# Time: timestamps in Europe/Stockholm (the calendar is in stockholm.py).

def fmt(local):
    return local.strftime('%Y-%m-%d %H:%M:%S') + '+%02d' % utc_offset_hours(local)


def parse(text):
    """Timestamptz text -> (UTC datetime, local Stockholm wall-clock datetime)."""
    base, off = dt.datetime.strptime(text[:19], '%Y-%m-%d %H:%M:%S'), int(text[19:])
    utc = base - dt.timedelta(hours=off)
    local = utc + dt.timedelta(hours=1)
    if utc_offset_hours(local) == 2:
        local = utc + dt.timedelta(hours=2)
    return utc, local


def working_days(a, b):
    d, out = a, []
    while d <= b:
        if is_working_day(d):
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def office_time(rng, d, earliest=None):
    """A working-hours moment on day d, after `earliest` if that is on the same day."""
    lo = 8 * 60
    if earliest is not None and earliest.date() == d:
        lo = max(lo, earliest.hour * 60 + earliest.minute + 10)
    if lo > 16 * 60 + 30:
        return None
    m = rng.randint(lo, 16 * 60 + 30)
    return dt.datetime.combine(d, dt.time(m // 60, m % 60))


def moment_on_or_after(rng, t, days):
    """A working-hours moment on the first working day >= t.date() + days, strictly after t."""
    d = next_working_day(t.date() + dt.timedelta(days=days))
    m = office_time(rng, d, t)
    while m is None:
        d = next_working_day(d + dt.timedelta(days=1))
        m = office_time(rng, d, t)
    return m


def any_time(rng, d):
    """A moment at any hour (24-hour residence), avoiding 02:00-03:59 (DST transitions)."""
    h = rng.choice([0, 1] + list(range(4, 24)))
    return dt.datetime.combine(d, dt.time(h, rng.randint(0, 59)))


# --------------------------------------------------------------------------
# Row construction

class Row(dict):
    pass


def new_row(regime, unit, year):
    r = Row(regime=regime, unit=unit, year=year, types=[], escalated=False, cls='closed')
    return r


def pick_report_day(rng, lo, hi, unit):
    days = working_days(lo, hi)
    weights = [0.5 if d.month == 7 else 1.0 for d in days]
    d = rng.choices(days, weights)[0]
    if unit == BOENDE and rng.random() < 0.3:   # 24-hour residence: also weekends
        d = d + dt.timedelta(days=rng.choice([1, 2, -1]))
        d = min(max(d, lo), hi)
    return d


def reported_moment(rng, d, unit, regime):
    if (unit == BOENDE and rng.random() < 0.35) or regime == 'HSL' and rng.random() < 0.5:
        return any_time(rng, d)
    return office_time(rng, d)


def happened_moment(rng, rep, unit, floor):
    r = rng.random()
    if r < 0.4:
        back = 0
    elif r < 0.75:
        back = rng.randint(1, 2)
    else:
        back = rng.randint(3, 5)
    d = rep.date() - dt.timedelta(days=back)
    if d < floor:
        d = floor
    if back == 0 or unit == BOENDE:
        t = any_time(rng, d) if unit == BOENDE else office_time(rng, d)
        if t >= rep:   # same day: some minutes to hours before reporting
            t = rep - dt.timedelta(minutes=rng.randint(15, 300))
            if t.date() < floor or 2 <= t.hour <= 3:
                t = rep - dt.timedelta(minutes=rng.randint(5, 14))
        return t
    return office_time(rng, d)


def assign_types(rng, rows, counts):
    """Give every row >= 1 type so that the type counts come out exactly."""
    n_extra = sum(counts.values()) - len(rows)
    assert n_extra >= 0
    for attempt in range(5000):
        mult = [1] * len(rows)
        order = list(range(len(rows)))
        rng.shuffle(order)
        for i in order[:n_extra]:
            mult[i] += 1
        slots = [i for i in range(len(rows)) for _ in range(mult[i])]
        rng.shuffle(slots)
        remaining = dict(counts)
        given = [[] for _ in rows]
        ok = True
        for i in slots:
            aff = AFFINITY[GROUP[rows[i]['unit']]]
            cand = [t for t in remaining if remaining[t] > 0 and t not in given[i]]
            w = [aff[t] * remaining[t] * (3 if rows[i]['escalated'] and t == 'rattssakerhet' else 1)
                 for t in cand]
            if not cand or sum(w) == 0:
                ok = False
                break
            t = rng.choices(cand, w)[0]
            given[i].append(t)
            remaining[t] -= 1
        if ok:
            order_of = list(counts)
            for r, g in zip(rows, given):
                r['types'] = sorted(g, key=order_of.index)
            return
    raise RuntimeError('type assignment failed')


def timeline(rng, r, *, investigated_window=None, done_window=None, closed_by=None,
             open_kind=None, no_measure_p=0.3):
    """Fill triaged/escalated/investigated/measures/closed after r['reported'] (local naive).

    investigated_window: (lo, hi) dates for investigated_at, or None (natural).
    done_window: (lo, hi) dates for measures_done_at (forces measures >= 1).
    closed_by: latest local datetime for closed_at (retries with shorter durations).
    open_kind: None (closed), 'ongoing' (no investigation yet) or 'measures' (investigated,
               measures not done).
    """
    rep = r['reported']
    for attempt in range(200):
        scale = max(0.05, 1.0 - attempt * 0.02)
        tri = moment_on_or_after(rng, rep, rng.choice([0, 0, 1, 1, 2, 3]))
        esc = None
        if r['escalated']:
            esc = moment_on_or_after(rng, tri, rng.choice([0, 0, 1, 2]))
        if open_kind == 'ongoing':
            inv = None
        elif investigated_window:
            inv = office_time(rng, rng.choice(working_days(*investigated_window)))
        else:
            base = esc or tri
            days = rng.randint(20, 75) if r['escalated'] else rng.randint(4, 40)
            inv = moment_on_or_after(rng, base, max(1, int(days * scale)))
        if inv is not None and inv <= (esc or tri):
            continue
        nmn = False
        measures, done, closed = 0, None, None
        if inv is not None:
            if done_window is None and open_kind is None and not r['escalated'] \
                    and rng.random() < no_measure_p:
                nmn = True
            else:
                measures = rng.choice([2, 2, 3]) if r['escalated'] else rng.choice([1, 1, 1, 2, 2, 3])
            if open_kind is None:
                if measures:
                    if done_window:
                        done = office_time(rng, rng.choice(working_days(*done_window)))
                    else:
                        done = moment_on_or_after(rng, inv, max(1, int(rng.randint(10, 70) * scale)))
                    if done <= inv:
                        continue
                closed = moment_on_or_after(rng, done or inv, int(rng.choice([0, 0, 1, 3, 7, 10]) * scale))
        if closed_by is not None and closed is not None and closed > closed_by:
            continue
        if any(t is not None and t > END_OF_DATA for t in (tri, esc, inv, done, closed)):
            continue
        r.update(triaged=tri, escalated_at=esc, investigated=inv, measures=measures,
                 measures_done=done, no_measure_needed=nmn, closed=closed)
        return
    raise RuntimeError('no timeline for %r' % (r,))


def generate():
    rng = random.Random(SEED)
    rows = []
    for year in (2022, 2023, 2024, 2025):
        yrows = []
        for unit, n in UNIT_COUNTS[year].items():
            ur = [new_row('LSS' if unit == BOS or (unit == BOENDE and rng.random() < 0.3) else 'SoL',
                          unit, year) for _ in range(n)]
            for r in rng.sample(ur, ESCALATED[year].get(unit, 0)):
                r['escalated'] = True
            yrows += ur
        # ---- status classes
        if year == 2024:
            # The two reports of one event, open longest at 2025-01-31.
            j1 = next(r for r in yrows if r['unit'] == BOU1 and r['escalated'])
            j2 = next(r for r in yrows if r['unit'] == SOF and r['escalated'])
            j1['cls'], j2['cls'] = 'joint', 'joint'
            rest = [r for r in yrows if r['cls'] == 'closed']
            rng.shuffle(rest)
            esc_rest = [r for r in rest if r['escalated']]
            non_esc = [r for r in rest if not r['escalated']]
            ongoing = esc_rest[:1] + non_esc[:5]             # 6 reported in December, not investigated
            pending = esc_rest[1:3] + non_esc[5:10]          # 7 (+2 joint) investigated, measures pending
            for r in ongoing:
                r['cls'] = 'dec_ongoing'
            for r in pending:
                r['cls'] = 'pending'
        elif year == 2025:
            rest = list(yrows)
            rng.shuffle(rest)
            esc_rest = [r for r in rest if r['escalated']]
            non_esc = [r for r in rest if not r['escalated']]
            for r in esc_rest[:2]:
                r['cls'] = 'open_autumn'                      # escalated, measures pending
            for r in esc_rest[2:4] + non_esc[:7]:
                r['cls'] = 'open_ongoing'                     # Nov-Dec, investigation ongoing
            for r in non_esc[7:14]:
                r['cls'] = 'open_measures'                    # Nov-Dec, investigated, measures pending
        # ---- types (after escalation, so escalated reports lean to legal certainty)
        assign_types(rng, yrows, TYPE_COUNTS[year])
        for j in [r for r in yrows if r['cls'] == 'joint']:
            # the joint lex Sarah event is about legal certainty: swap type sets with another
            # report of the year (the counts stay the same)
            if 'rattssakerhet' not in j['types']:
                other = next(r for r in yrows if r['cls'] == 'closed' and not r['escalated']
                             and r['types'] in (['info', 'rattssakerhet'], ['rattssakerhet']))
                j['types'], other['types'] = other['types'], j['types']
        # ---- HSL and collaboration rows
        for code, n in HSL_COUNTS.get(year, {}).items():
            for _ in range(n):
                r = new_row('HSL', BOENDE, year)
                r['types'] = [code]
                yrows.append(r)
        if year == 2025:
            hsl = [r for r in yrows if r['regime'] == 'HSL']
            rng.shuffle(hsl)
            hsl[0]['cls'] = 'open_ongoing'
            hsl[1]['cls'] = 'open_measures'
        if year == 2024:
            collab = [(BOU1, 'received', 'Region Västra Götaland, Alingsås lasarett', 'sip'),
                      (VUXNA, 'received', 'Region Västra Götaland, vuxenpsykiatri', 'sip'),
                      (BS, 'sent', 'Region Västra Götaland, primärvård', 'sip'),
                      (VS, 'sent', 'Region Västra Götaland, primärvård', 'sip'),
                      (BOU2, 'sent', 'Region Västra Götaland, primärvård', 'halsokontroll')]
            for unit, direction, counterpart, code in collab:
                r = new_row('collaboration', unit, year)
                r.update(types=[code], collab_direction=direction, collab_counterpart=counterpart)
                yrows.append(r)
        # ---- dates and timelines
        y0, y1 = dt.date(year, 1, 1), dt.date(year, 12, 31)
        edge_done = False
        for r in yrows:
            cls, unit = r['cls'], r['unit']
            floor = max(y0 if year == 2022 else dt.date(2022, 1, 1), UNIT_VALID.get(unit, (y0,))[0])
            if cls == 'joint':
                d = dt.date(2024, 1, 12) if unit == BOU1 else dt.date(2024, 1, 19)
            elif cls == 'dec_ongoing':
                d = pick_report_day(rng, dt.date(2024, 12, 2), dt.date(2024, 12, 20), unit)
            elif cls == 'pending':
                d = pick_report_day(rng, dt.date(2024, 6, 1) if r['escalated'] else dt.date(2024, 9, 1),
                                    dt.date(2024, 12, 20), unit)
            elif cls in ('open_ongoing', 'open_measures'):
                lo, hi = ((dt.date(2025, 11, 1), dt.date(2025, 12, 10)) if cls == 'open_measures'
                          else (dt.date(2025, 11, 24), dt.date(2025, 12, 29)))
                d = pick_report_day(rng, lo, hi, unit)
            elif cls == 'open_autumn':
                d = pick_report_day(rng, dt.date(2025, 9, 1), dt.date(2025, 10, 31), unit)
            else:
                hi = y1 if year < 2025 else dt.date(2025, 12, 12)
                if r['escalated'] and year >= 2024:
                    hi = dt.date(year, 10, 31)
                d = pick_report_day(rng, y0 if year > 2022 else dt.date(2022, 1, 3), hi, unit)
            d = max(d, floor)
            rep = reported_moment(rng, d, unit, r['regime'])
            if year == 2025 and unit == BOENDE and r['regime'] == 'SoL' and cls == 'closed' \
                    and not r['escalated'] and not edge_done:
                # Reported just after midnight on New Year's night: 2025 by Stockholm date,
                # 2024 by UTC date.
                rep, edge_done = dt.datetime(2025, 1, 1, 0, 40), True
                r['happened'] = dt.datetime(2024, 12, 31, 22, 15)
            else:
                r['happened'] = happened_moment(rng, rep, unit, floor)
            r['reported'] = rep
            if cls == 'joint':
                continue
            if cls == 'closed':
                if year <= 2023:
                    timeline(rng, r, closed_by=dt.datetime(2024, 6, 28, 17))
                elif year == 2024:
                    timeline(rng, r, closed_by=dt.datetime(2025, 1, 31, 17))
                else:
                    timeline(rng, r, closed_by=dt.datetime(2025, 12, 31, 16))
            elif cls == 'dec_ongoing':
                timeline(rng, r, investigated_window=(dt.date(2025, 2, 3), dt.date(2025, 3, 14)),
                         closed_by=dt.datetime(2025, 6, 30, 17))
            elif cls == 'pending':
                inv_lo = max(d + dt.timedelta(days=21 if r['escalated'] else 7), dt.date(2024, 9, 1))
                timeline(rng, r, investigated_window=(inv_lo, dt.date(2025, 1, 24)),
                         done_window=(dt.date(2025, 2, 10), dt.date(2025, 4, 11)),
                         closed_by=dt.datetime(2025, 4, 30, 17))
            elif cls == 'open_ongoing':
                timeline(rng, r, open_kind='ongoing')
            elif cls == 'open_measures':
                timeline(rng, r, open_kind='measures')
            elif cls == 'open_autumn':
                timeline(rng, r, open_kind='measures')
        # the joint event: reported 2024-01-12 and 2024-01-19, one lex Sarah investigation
        joint = [r for r in yrows if r['cls'] == 'joint']
        if joint:
            inv = dt.datetime(2024, 4, 17, 14, 30)
            for r, tri, esc, done, closed, m in (
                    (joint[0], dt.datetime(2024, 1, 15, 9, 40), dt.datetime(2024, 1, 19, 15, 10),
                     dt.datetime(2025, 4, 23, 10, 0), dt.datetime(2025, 5, 7, 13, 15), 3),
                    (joint[1], dt.datetime(2024, 1, 22, 10, 5), dt.datetime(2024, 1, 22, 13, 30),
                     dt.datetime(2025, 4, 23, 10, 0), dt.datetime(2025, 5, 7, 13, 20), 2)):
                r.update(triaged=tri, escalated_at=esc, investigated=inv, measures=m,
                         measures_done=done, no_measure_needed=False, closed=closed, summary=JOINT_EVENT)
            joint[0]['happened'] = dt.datetime(2024, 1, 10, 13, 0)
            joint[1]['happened'] = dt.datetime(2024, 1, 10, 13, 0)
            joint[0]['reported'] = dt.datetime(2024, 1, 12, 11, 20)
            joint[1]['reported'] = dt.datetime(2024, 1, 19, 9, 45)
            joint[0]['severity'] = joint[1]['severity'] = 'high'
        # ---- severity, summaries, collaboration due dates
        for r in yrows:
            if 'severity' not in r:
                code = r['types'][0]
                if r['escalated']:
                    r['severity'] = rng.choice(['high', 'high', 'moderate'])
                elif code == 'fall_med_skada':
                    r['severity'] = rng.choice(['moderate', 'high'])
                else:
                    r['severity'] = rng.choices(['low', 'moderate', 'high'], [55, 40, 5])[0]
            if 'summary' not in r:
                if r['regime'] == 'collaboration':
                    r['summary'] = {
                        ('received', 'sip'): 'Vården påtalade att kommunen inte deltog i SIP-möte efter utskrivning.',
                        ('sent', 'sip'): 'Vårdcentralen deltog inte i kallat SIP-möte; mötet fick ställas in.',
                        ('sent', 'halsokontroll'): 'Hälsoundersökning av ett placerat barn genomfördes inte trots begäran.',
                    }[(r['collab_direction'], r['types'][0])]
                elif r['escalated']:
                    r['summary'] = rng.choice(ESCALATED_SUMMARIES[GROUP[r['unit']]])
                else:
                    g = 'hsl' if r['regime'] == 'HSL' else GROUP[r['unit']]
                    fits = [x for x in SUMMARIES[r['types'][0]] if g in GROUP_ONLY.get(x, {g})]
                    if not fits:   # e.g. a care event outside Boende
                        fits = [x for x in SUMMARIES['dokumentation']]
                    r['summary'] = rng.choice(fits)
            if r['regime'] == 'collaboration':
                r['collab_reply_due'] = (r['reported'].date() + dt.timedelta(days=60)).isoformat()
        # ---- refs in report order
        yrows.sort(key=lambda r: (r['reported'], r['unit']))
        for i, r in enumerate(yrows, 1):
            r['ref'] = 'AV-%d-%03d' % (year, i)
        rows += yrows
    return rows


def write(rows):
    with open(CSV_PATH, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f, lineterminator='\r\n')
        w.writerow(COLUMNS)
        for r in rows:
            t = lambda k: fmt(r[k]) if r.get(k) else ''
            w.writerow([r['ref'], r['regime'], r['unit'], t('happened'), t('reported'), ';'.join(r['types']),
                        r['severity'], t('triaged'), t('investigated'), t('escalated_at'),
                        r.get('measures', 0), t('measures_done'),
                        'true' if r.get('no_measure_needed') else 'false', t('closed'),
                        r.get('collab_direction', ''), r.get('collab_counterpart', ''),
                        r.get('collab_reply_due', ''), r['summary']])


# --------------------------------------------------------------------------
# --check: recompute every published figure from the CSV

def check():
    with open(CSV_PATH, newline='', encoding='utf-8') as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ('happened_at', 'reported_at', 'triaged_at', 'investigated_at', 'escalated_at',
                  'measures_done_at', 'closed_at'):
            r[k] = parse(r[k])[1] if r[k] else None        # local Stockholm wall-clock time
        r['year'] = r['reported_at'].year
        r['types'] = r['types'].split(';')
    sol = [r for r in rows if r['regime'] in ('SoL', 'LSS')]
    out, bad = [], []

    def line(fig, published, ours):
        ok = str(published) == str(ours)
        if not ok:
            bad.append(fig)
        out.append('| %s | %s | %s | %s |' % (fig, published, ours, 'ok' if ok else '**MISMATCH**'))

    def of(year, rs=None):
        return [r for r in (rs if rs is not None else sol) if r['year'] == year]

    eod = dt.datetime(2025, 1, 31, 23, 59, 59)
    out += ['# Deviations demo data: published figures vs. `deviations.csv`', '',
            'Generated by `python3 make_deviations.py --check` (recomputed from the CSV; SoL/LSS rows',
            'unless stated; years by report date in Europe/Stockholm).', '',
            '| figure | published | data | |', '|---|---|---|---|']
    for y, n in ((2022, 37), (2023, 40), (2024, 93), (2025, 121)):
        line('SoL/LSS reports %d' % y, n, len(of(y)))
    pub = {ADM: (5, 4), D_VUXNA: (1, 0), D_SOA: (2, '–'), AM: (3, 1), BOU1: (9, 18), BOU2: (13, 35),
           BS: (3, 2), BOS: (1, 2), BOENDE: (31, 7), FH: (3, 5), FS: ('–', 1), SOF: (12, 8), VUXNA: (14, 9),
           VS: (8, 1), VOI: (16, '–')}
    for unit, (p25, p24) in pub.items():
        n25 = sum(r['unit'] == unit for r in of(2025))
        line('2025 per unit: %s' % unit, p25, n25 if unit != FS else ('–' if n25 == 0 else n25))
        mapped = sum(MAP_TO_2025.get(r['unit'], r['unit']) == unit for r in of(2024))
        if unit == D_SOA:
            ours = '–' if mapped == 0 else mapped
        elif unit == VOI:
            ours = '–' if mapped == 0 else mapped
        else:
            ours = mapped
        line('2024 per unit (2025 organisation): %s' % unit, p24, ours)
    line('2024 rows attributed to %s as it was then (published 2024 report)' % D_SOA, 1,
         sum(r['unit'] == D_SOA for r in of(2024)))
    line('2024 rows attributed to %s as it was then' % AM, 0, sum(r['unit'] == AM for r in of(2024)))
    for y, pubt in ((2025, TYPE_COUNTS[2025]), (2024, TYPE_COUNTS[2024])):
        for code, n in pubt.items():
            line('%d type: %s' % (y, TYPE_LABEL[code]), n, sum(code in r['types'] for r in of(y)))
    r24 = of(2024)
    closed = [r for r in r24 if r['closed_at'] and r['closed_at'] <= eod]
    ongoing = [r for r in r24 if not (r['investigated_at'] and r['investigated_at'] <= eod)]
    invest = [r for r in r24 if r['investigated_at'] and r['investigated_at'] <= eod
              and not (r['closed_at'] and r['closed_at'] <= eod)]
    line('2024 reports closed at 2025-01-31', 78, len(closed))
    line('2024 reports, investigation ongoing at 2025-01-31', 6, len(ongoing))
    line('… of which reported in December 2024', 6, sum(r['reported_at'].month == 12 for r in ongoing))
    line('2024 reports investigated, measures not done at 2025-01-31', 9, len(invest))
    open_ = sorted(ongoing + invest, key=lambda r: r['reported_at'])
    o1, o2 = open_[0], open_[1]
    line('open longest #1: report date (unit)', '2024-01-12 (Barn och unga)',
         '%s (%s)' % (o1['reported_at'].date(), 'Barn och unga' if o1['unit'] in (BOU1, BOU2) else o1['unit']))
    line('open longest #2: report date (unit)', '2024-01-19 (Stöd och försörjning)',
         '%s (%s)' % (o2['reported_at'].date(), o2['unit']))
    line('… both escalated, investigated together (same investigated_at)', 'yes',
         'yes' if o1['escalated_at'] and o2['escalated_at'] and o1['investigated_at'] == o2['investigated_at']
         and o1['investigated_at'] <= eod else 'no')
    line('… follow-up in spring 2025 (closed April–May 2025)', 'yes',
         'yes' if all(r['closed_at'] and dt.date(2025, 4, 1) <= r['closed_at'].date() <= dt.date(2025, 5, 31)
                      for r in (o1, o2)) else 'no')
    line('… every other open 2024 report reported after 2024-01-19', 'yes',
         'yes' if all(r['reported_at'].date() > dt.date(2024, 1, 19) for r in open_[2:]) else 'no')
    for y, n in ((2025, 33), (2024, 20), (2023, 6)):
        line('%d reports escalated to lex Sarah' % y, n, sum(bool(r['escalated_at']) for r in of(y)))
    hsl = [r for r in rows if r['regime'] == 'HSL']
    line('HSL 2024 (medication / falls without / with injury)', '9 (1/6/2)',
         '%d (%d/%d/%d)' % ((len(of(2024, hsl)),) + tuple(sum(c in r['types'] for r in of(2024, hsl))
                                                          for c in ('lakemedel', 'fall_utan_skada', 'fall_med_skada'))))
    line('HSL 2025 (medication / falls without / with injury)', 18, len(of(2025, hsl)))
    col = [r for r in rows if r['regime'] == 'collaboration']
    c24 = of(2024, col)
    line('Collaboration 2024: total / received / sent', '5 / 2 / 3',
         '%d / %d / %d' % (len(c24), sum(r['collab_direction'] == 'received' for r in c24),
                           sum(r['collab_direction'] == 'sent' for r in c24)))
    line('Collaboration 2024: SIP / health check of a placed child', '4 / 1',
         '%d / %d' % (sum('sip' in r['types'] for r in c24), sum('halsokontroll' in r['types'] for r in c24)))
    line('Collaboration 2025', 0, len(of(2025, col)))

    # ---- consistency (not published figures, but required of the data)
    probs = []
    refs = [r['ref'] for r in rows]
    if len(set(refs)) != len(refs):
        probs.append('duplicate refs')
    for r in rows:
        ts = [r[k] for k in ('happened_at', 'reported_at', 'triaged_at')]
        chain = [r['happened_at'], r['reported_at'], r['triaged_at'], r['investigated_at'],
                 r['measures_done_at'], r['closed_at']]
        present = [t for t in chain if t]
        if present != sorted(present) or None in ts:
            probs.append('%s: timeline out of order' % r['ref'])
        if r['escalated_at'] and not (r['triaged_at'] <= r['escalated_at']
                                      and (not r['investigated_at'] or r['escalated_at'] <= r['investigated_at'])):
            probs.append('%s: escalation outside triage..investigation' % r['ref'])
        if r['closed_at'] and not (r['investigated_at'] and (r['measures_done_at'] or r['no_measure_needed'] == 'true')):
            probs.append('%s: closed without investigation and measures/no-measure' % r['ref'])
        if r['no_measure_needed'] == 'true' and r['measures'] != '0':
            probs.append('%s: no_measure_needed with measures' % r['ref'])
        if r['measures_done_at'] and r['measures'] == '0':
            probs.append('%s: measures done but none decided' % r['ref'])
        if any(t and t > END_OF_DATA for t in chain + [r['escalated_at']]):
            probs.append('%s: timestamp after end of data' % r['ref'])
        if r['ref'][3:7] != str(r['year']):
            probs.append('%s: ref year' % r['ref'])
        lo, hi = UNIT_VALID.get(r['unit'], (dt.date(2022, 1, 1), dt.date(9999, 12, 31)))
        if not lo <= r['reported_at'].date() <= hi or r['happened_at'].date() < dt.date(2022, 1, 1):
            probs.append('%s: unit %s not valid then' % (r['ref'], r['unit']))
        if r['regime'] in ('SoL', 'LSS'):
            for c in r['types']:
                a, b = TYPE_VALID.get(c, (2022, 9999))
                if c not in TYPE_LABEL or not a <= r['year'] <= b:
                    probs.append('%s: type %s not valid' % (r['ref'], c))
        if (r['regime'] == 'collaboration') != bool(r['collab_direction']):
            probs.append('%s: collaboration fields' % r['ref'])
        if (r['happened_at'] < r['reported_at'] - dt.timedelta(days=10)):  # joint event: 9 days
            probs.append('%s: happened long before reported' % r['ref'])
    for r in of(2022) + of(2023):
        if not (r['closed_at'] and r['closed_at'] <= dt.datetime(2024, 6, 30, 23, 59)):
            probs.append('%s: 2022/2023 report not closed by 2024-06-30' % r['ref'])
    open25 = [r for r in of(2025) if not r['closed_at']]
    tail = sum(r['reported_at'] >= dt.datetime(2025, 11, 1) for r in open25)
    out += ['', 'Other properties of the data:', '',
            '- SoL/LSS reports of 2025 still open at 2025-12-31: %d (%d of them reported in Nov–Dec 2025).'
            % (len(open25), tail),
            '- Escalated 2022: %d. LSS rows: %d. HSL 2025: %s.' % (
                sum(bool(r['escalated_at']) for r in of(2022)), sum(r['regime'] == 'LSS' for r in rows),
                ', '.join('%s %d' % (c, sum(c in r['types'] for r in of(2025, hsl)))
                          for c in ('lakemedel', 'fall_utan_skada', 'fall_med_skada'))),
            '- One Boende report is dated 2025-01-01 00:40+01 (2024-12-31 in UTC): it counts in 2025.',
            '- Consistency checks (timeline order, closure rules, unit/type validity, refs, no '
            'timestamp after 2025-12-31 23:59, 2022/2023 closed by 2024-06-30): %s.'
            % ('all pass' if not probs else '%d PROBLEMS' % len(probs))]
    out += ['  - ' + p for p in probs[:50]]
    print('\n'.join(out))
    return not bad and not probs


if __name__ == '__main__':
    if '--check' in sys.argv[1:]:
        sys.exit(0 if check() else 1)
    write(generate())
    print('wrote %s' % CSV_PATH)
