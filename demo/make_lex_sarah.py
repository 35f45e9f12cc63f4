#!/usr/bin/env python3
"""Generate the demo organisation's lex Sarah reports and investigations, 2022-2025.

Writes demo/lex_sarah_reports.csv (one row per lex Sarah report) and
demo/lex_sarah_investigations.csv (one row per investigation): event level,
deterministic (fixed seed), built on demo/deviations.csv (every deviation with
escalated_at set becomes a report, reported at its escalated_at) and made to
reproduce the published lex Sarah figures in shared/reference/alingsas-published-figures.md.

    python3 make_lex_sarah.py            # write the two CSVs
    python3 make_lex_sarah.py --check    # re-read the CSVs, print CHECK_LEX_SARAH.md, exit 1 on mismatch

Counting rules used by --check (the same as sqm's statistics):
- an investigation counts in the year of its completion (completed_at); an early-closed one
  (no_impropriety with a documented position, never completed) in the year of closed_at;
- IVO notifications count in the year of ivo_notified_at (always the completion year here);
- per unit: an investigation counts once for each unit of its reports; the total counts it once.

Python 3 standard library only.  Kept for provenance; not run by the tests.
"""
import csv
import datetime as dt
import os
import random
import sys

from stockholm import is_working_day, next_working_day, utc_offset_hours

SEED = 20251231
HERE = os.path.dirname(os.path.abspath(__file__))
DEV_PATH = os.path.join(HERE, 'deviations.csv')
REP_PATH = os.path.join(HERE, 'lex_sarah_reports.csv')
INV_PATH = os.path.join(HERE, 'lex_sarah_investigations.csv')
END_OF_DATA = dt.datetime(2025, 12, 31, 23, 59)  # local time, Europe/Stockholm

REP_COLUMNS = ['ref', 'regime', 'unit', 'happened_at', 'reported_at', 'received_at', 'source',
               'deviation_ref', 'investigation_ref', 'description', 'reporter_title']
INV_COLUMNS = ['ref', 'unit', 'opened_at', 'started_at', 'assessed_at', 'outcome', 'themes',
               'completed_at', 'closed_at', 'early_close', 'ivo_notified_at', 'ivo_regnr',
               'ivo_answer', 'ivo_answered_at', 'ivo_supplement_at', 'ivo_supplement_requested_at']

# --------------------------------------------------------------------------
# Organisation and taxonomies

ADM, D_VUXNA, D_SOA = 'Avdelning Administration', 'Avdelning Vuxna', 'Avdelning Stöd och arbete'
BOU1, BOU2, FH, FS = 'Barn och unga 1', 'Barn och unga 2', 'Familjehem', 'Familjestöd'
VUXNA, VS, BS, BOS, BOENDE = 'Vuxna', 'Vuxenstöd', 'Beroendestöd', 'Boendestöd', 'Boende'
SOF, AM, VOI = 'Stöd och försörjning', 'Arbetsmarknad', 'Vägledning och integration'
UNITS = [ADM, D_VUXNA, D_SOA, BOU1, BOU2, FH, FS, VUXNA, VS, BS, BOS, BOENDE, SOF, AM, VOI]
UNIT_VALID = {FS: (dt.date(2022, 1, 1), dt.date(2024, 12, 31)),
              VOI: (dt.date(2025, 1, 1), dt.date(9999, 12, 31))}

OUTCOMES = ['no_impropriety', 'risk_of_impropriety', 'impropriety', 'risk_of_serious_impropriety',
            'serious_impropriety']
SERIOUS = {'risk_of_serious_impropriety', 'serious_impropriety'}
THEMES = ['rutiner', 'dokumentation', 'informationsoverforing', 'bemotande', 'kompetens',
          'bemanning', 'rattssakerhet', 'samverkan']
IVO_ANSWERS = ['closed_no_action', 'supplement_requested_then_closed']

TITLES = {BOU1: ['socialsekreterare', 'socialsekreterare', 'familjebehandlare'],
          BOU2: ['socialsekreterare', 'socialsekreterare', 'familjebehandlare'],
          FH: ['familjehemssekreterare'], FS: ['familjebehandlare'],
          VUXNA: ['socialsekreterare', 'socialsekreterare', 'biståndshandläggare'],
          VS: ['behandlare', 'boendestödjare'], BS: ['behandlare', 'alkohol- och drogterapeut'],
          BOS: ['boendestödjare'], BOENDE: ['stödassistent', 'stödpedagog', 'boendestödjare'],
          SOF: ['socialsekreterare', 'handläggare ekonomiskt bistånd'],
          VOI: ['socialsekreterare', 'integrationshandläggare', 'handläggare ekonomiskt bistånd'],
          AM: ['arbetsmarknadskonsulent'], ADM: ['registrator', 'administratör']}

# Deviation type (deviations.csv) -> investigation theme; summary phrases add themes.
TYPE_THEME = {'info': 'informationsoverforing', 'rattssakerhet': 'rattssakerhet',
              'dokumentation': 'dokumentation', 'omvardnad': 'rutiner', 'insats': 'rutiner',
              'fysisk_miljo': 'rutiner', 'annat': 'rutiner', 'bemotande': 'bemotande'}
PHRASE_THEME = [('samordnad', 'samverkan'), ('utskrivning', 'samverkan'), ('helg', 'bemanning'),
                ('natten', 'bemanning'), ('akut', 'bemanning'), ('Skyddsbedömning', 'kompetens'),
                ('orosanmälan', 'rutiner'), ('mellan handläggare', 'informationsoverforing'),
                ('flera veckor', 'rutiner'), ('uppföljning', 'rutiner'), ('obehandlad', 'rattssakerhet')]

# --------------------------------------------------------------------------
# The plan: outcome of the investigation of each escalated deviation (E = early close).
# Every investigation is completed (or early-closed) in the report year of its deviation(s).
PLAN = {
    # 2022: 3 investigations, 1 notified
    'AV-2022-004': 'impropriety', 'AV-2022-012': 'risk_of_impropriety',
    'AV-2022-032': 'risk_of_serious_impropriety',
    # 2023: 6 investigations, 1 notified, 4 no impropriety (2 of them early closes)
    'AV-2023-017': 'no_impropriety', 'AV-2023-022': 'serious_impropriety',
    'AV-2023-026': 'impropriety', 'AV-2023-034': 'no_impropriety',
    'AV-2023-036': 'no_impropriety E', 'AV-2023-037': 'no_impropriety E',
    # 2024: 19 investigations of 20 deviations (AV-2024-005 + AV-2024-009 jointly) + 1 from a
    # complaint (Barn och unga 2); 10 serious, 1 no impropriety (early close, December)
    'AV-2024-002': 'SERIOUS', 'AV-2024-005': 'SERIOUS', 'AV-2024-009': 'JOINT',
    'AV-2024-010': 'SERIOUS', 'AV-2024-013': 'impropriety', 'AV-2024-016': 'risk_of_impropriety',
    'AV-2024-017': 'SERIOUS', 'AV-2024-023': 'impropriety', 'AV-2024-025': 'impropriety',
    'AV-2024-030': 'SERIOUS', 'AV-2024-036': 'risk_of_impropriety', 'AV-2024-038': 'SERIOUS',
    'AV-2024-047': 'SERIOUS', 'AV-2024-048': 'risk_of_impropriety', 'AV-2024-055': 'SERIOUS',
    'AV-2024-060': 'impropriety', 'AV-2024-063': 'SERIOUS', 'AV-2024-065': 'risk_of_impropriety',
    'AV-2024-078': 'impropriety', 'AV-2024-097': 'no_impropriety E',
    # 2025: 33 investigations, 9 serious, 3 no impropriety (2 early closes in December)
    'AV-2025-003': 'SERIOUS', 'AV-2025-010': 'risk_of_impropriety', 'AV-2025-011': 'SERIOUS',
    'AV-2025-017': 'risk_of_impropriety', 'AV-2025-019': 'impropriety',
    'AV-2025-020': 'risk_of_impropriety', 'AV-2025-025': 'SERIOUS', 'AV-2025-033': 'impropriety',
    'AV-2025-049': 'SERIOUS', 'AV-2025-056': 'impropriety', 'AV-2025-062': 'impropriety',
    'AV-2025-063': 'SERIOUS', 'AV-2025-065': 'risk_of_impropriety', 'AV-2025-068': 'impropriety',
    'AV-2025-073': 'no_impropriety', 'AV-2025-076': 'impropriety', 'AV-2025-077': 'risk_of_impropriety',
    'AV-2025-083': 'SERIOUS', 'AV-2025-085': 'risk_of_impropriety', 'AV-2025-088': 'impropriety',
    'AV-2025-089': 'impropriety', 'AV-2025-090': 'SERIOUS', 'AV-2025-091': 'risk_of_impropriety',
    'AV-2025-093': 'impropriety', 'AV-2025-095': 'SERIOUS', 'AV-2025-097': 'impropriety',
    'AV-2025-098': 'SERIOUS', 'AV-2025-099': 'impropriety', 'AV-2025-103': 'impropriety',
    'AV-2025-107': 'risk_of_impropriety', 'AV-2025-108': 'risk_of_impropriety',
    'AV-2025-127': 'no_impropriety E', 'AV-2025-137': 'no_impropriety E',
}
JOINT = ('AV-2024-005', 'AV-2024-009')          # one investigation, leading unit Barn och unga 1
JOINT_COMPLETED = dt.datetime(2024, 4, 17, 14, 30)  # = investigated_at of both in deviations.csv

# Reports that did not come through a deviation.
EXTRA = [
    # The 2024 per-unit table has 21 unit attributions for 20 investigations; with the joint
    # investigation that leaves one Barn och unga 2 investigation without a deviation: it came
    # from a complaint by a guardian (one of Barn och unga's 5 complaints of 2024).
    dict(key='K-2024', source='complaint', unit=BOU2, regime='SoL', year=2024, outcome='SERIOUS',
         happened=dt.datetime(2024, 5, 2, 10, 0), reported=dt.datetime(2024, 5, 14, 10, 25),
         title='enhetschef',
         description='Klagomål från vårdnadshavare: beslutat umgänge i kontrollerad form kom inte '
                     'till stånd under flera veckor och barnet informerades inte.'),
    # Still under investigation at 2025-12-31 (counts in no published year).
    dict(key='K-2025', source='complaint', unit=VUXNA, regime='SoL', year=None, outcome='OPEN',
         happened=dt.datetime(2025, 11, 24, 13, 0), reported=dt.datetime(2025, 12, 4, 9, 40),
         title='enhetschef',
         description='Klagomål från närstående: den enskilde fick inget stöd efter avslutad '
                     'behandling trots beslut om fortsatt insats.'),
    # Reported by staff directly, received 2025-12-30, not yet assigned at 2025-12-31
    # (shows up in sqm.lex_sarah_unassigned).
    dict(key='S-2025', source='staff', unit=BOENDE, regime='LSS', year=None, outcome='UNASSIGNED',
         happened=dt.datetime(2025, 12, 28, 19, 15), reported=dt.datetime(2025, 12, 29, 21, 5),
         title='stödassistent',
         description='Beslutad aktivitet utanför bostaden ställdes in under helgen på grund av '
                     'låg bemanning; den enskilde lämnades utan stöd i en orolig situation.'),
]

# A report that joined an investigation opened from a deviation: the same event
# (AV-2023-026, Barn och unga 2) was also reported by the administration
# department, which so has a 2023 row in the per-unit table of investigations.
# That is why the 2025 report shows Avdelning Administration as "1 (0)" but
# Vuxenstöd, with no row in 2024's table, as "1 (–)".
JOINED = dict(key='S-2023', source='staff', unit=ADM, regime='SoL', join='AV-2023-026',
              happened=dt.datetime(2023, 8, 29, 11, 17), reported=dt.datetime(2023, 9, 5, 9, 30),
              title='administratör', types=[], year=2023,
              description='Handlingar i ett ärende om barn skickades inte vidare till handläggande enhet; '
                          'samma händelse som rapporterats från Barn och unga 2.')

# --------------------------------------------------------------------------
# Time: timestamps in Europe/Stockholm (the calendar is in stockholm.py).

def fmt(local):
    return local.strftime('%Y-%m-%d %H:%M:%S') + '+%02d' % utc_offset_hours(local) if local else ''


def parse(text):
    """Timestamptz text -> local Stockholm wall-clock datetime (None for '')."""
    if not text:
        return None
    base, off = dt.datetime.strptime(text[:19], '%Y-%m-%d %H:%M:%S'), int(text[19:])
    utc = base - dt.timedelta(hours=off)
    local = utc + dt.timedelta(hours=1)
    if utc_offset_hours(local) == 2:
        local = utc + dt.timedelta(hours=2)
    return local


def prev_working_day(d):
    while not is_working_day(d):
        d -= dt.timedelta(days=1)
    return d


def office_time(rng, d, earliest=None, latest_min=16 * 60 + 30):
    lo = 8 * 60
    if earliest is not None and earliest.date() == d:
        lo = max(lo, earliest.hour * 60 + earliest.minute + 10)
    if lo > latest_min:
        return None
    m = rng.randint(lo, latest_min)
    return dt.datetime.combine(d, dt.time(m // 60, m % 60))


def after_wd(rng, t, n):
    """An office-hours moment n working days after t (n=0: same day if possible), strictly after t."""
    d = next_working_day(t.date(), n)
    m = office_time(rng, d, t)
    while m is None:
        d = next_working_day(d + dt.timedelta(days=1))
        m = office_time(rng, d, t)
    return m


def wd_between(a, b):
    """Working days d with a < d <= b (dates)."""
    out, d = [], a + dt.timedelta(days=1)
    while d <= b:
        if is_working_day(d):
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def moment_between(rng, t0, t1):
    """An office-hours moment strictly after t0 and not after t1 (on a working day)."""
    days = [d for d in [t0.date()] + wd_between(t0.date(), t1.date()) if is_working_day(d)]
    rng.shuffle(days)
    for d in days:
        hi = 16 * 60 + 30
        if d == t1.date():
            hi = min(hi, t1.hour * 60 + t1.minute - 5)
        m = office_time(rng, d, t0, hi)
        if m is not None and t0 < m <= t1:
            return m
    raise ValueError('no moment between %s and %s' % (t0, t1))


def year_deadline(year):
    """The last working day of the year, 15:30 (all work of a year done by then)."""
    return dt.datetime.combine(prev_working_day(dt.date(year, 12, 30)), dt.time(15, 30))


# --------------------------------------------------------------------------
# Generation

def read_deviations():
    with open(DEV_PATH, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def themes_for(rng, types, summary, outcome):
    out = []
    for t in types:
        th = TYPE_THEME.get(t)
        if th and th not in out:
            out.append(th)
    for phrase, th in PHRASE_THEME:
        if phrase.lower() in summary.lower() and th not in out:
            out.append(th)
    if outcome == 'no_impropriety':
        return out[:1]
    if rng.random() < 0.3 and 'kompetens' not in out:
        out.append('kompetens')
    return out[:3]


def received_for(rng, reported, delay_ok):
    """The investigating function gets the report the same or next working day (a few later)."""
    if delay_ok and rng.random() < 0.1:
        return after_wd(rng, reported, rng.randint(2, 5))
    if is_working_day(reported.date()) and reported.hour * 60 + reported.minute <= 15 * 60:
        m = office_time(rng, reported.date(), reported)
        if m is not None and rng.random() < 0.7:
            return min(m, reported + dt.timedelta(minutes=rng.randint(15, 150)))
    return after_wd(rng, reported, 1 if is_working_day(reported.date()) else 0)


def generate():
    rng = random.Random(SEED)
    devs = read_deviations()
    reports = []
    for d in devs:
        if not d['escalated_at']:
            continue
        reported = parse(d['escalated_at'])
        r = dict(key=d['ref'], source='deviation', deviation_ref=d['ref'], unit=d['unit'],
                 regime=d['regime'], happened=parse(d['happened_at']), reported=reported,
                 description=d['summary'], title=rng.choice(TITLES[d['unit']]),
                 types=d['types'].split(';'), year=parse(d['reported_at']).year)
        r['received'] = received_for(rng, reported, reported.month < 11)
        reports.append(r)
    for e in EXTRA:
        r = dict(e, deviation_ref='', types=[])
        r['received'] = received_for(rng, r['reported'], False)
        reports.append(r)
    joined = dict(JOINED, deviation_ref='')
    joined['received'] = received_for(random.Random(SEED + 1), joined['reported'], False)
    reports.append(joined)
    by_key = {r['key']: r for r in reports}

    # Groups of reports = investigations.
    groups = []
    for r in reports:
        if r['key'] == JOINT[1] or r.get('outcome') == 'UNASSIGNED' or r.get('join'):
            continue
        members = [r, by_key[JOINT[1]]] if r['key'] == JOINT[0] else [r]
        members += [j for j in reports if j.get('join') == r['key']]
        plan = r.get('outcome') or PLAN[r['key']]
        groups.append(dict(members=members, plan=plan, year=r['year']))

    invs = []
    for g in groups:
        lead = g['members'][0]
        rec = max(m['received'] for m in g['members'])
        early = g['plan'].endswith(' E')
        outcome = g['plan'].split()[0]
        if outcome == 'SERIOUS':
            outcome = rng.choice(['risk_of_serious_impropriety'] * 3 + ['serious_impropriety'] * 2)
        i = dict(unit=lead['unit'], members=g['members'], outcome=outcome, early=early)
        dl = year_deadline(g['year']) if g['year'] else END_OF_DATA
        i['opened'] = after_wd(rng, rec, rng.choice([0, 0, 1, 1, 2]))
        i['started'] = after_wd(rng, i['opened'], rng.choice([0, 1, 1, 2, 3, 4]))
        if outcome == 'OPEN':                       # still under investigation at year end
            i['outcome'] = ''
            invs.append(i)
            continue
        if early:
            closed = after_wd(rng, i['started'], rng.randint(1, 6))
            i['closed'] = closed if closed <= dl else moment_between(rng, i['started'], dl)
            i['themes'] = []
            invs.append(i)
            continue
        if lead['key'] == JOINT[0]:
            completed = JOINT_COMPLETED
        else:
            target = i['started'] + dt.timedelta(days=rng.randint(35, 95))
            if target > dl:
                target = dl
            completed = after_wd(rng, target - dt.timedelta(days=1), 0)
            if completed > dl:
                completed = moment_between(rng, i['started'] + dt.timedelta(days=10), dl)
        span = (completed - i['started']).total_seconds()
        i['assessed'] = moment_between(
            rng, i['started'] + dt.timedelta(seconds=span * rng.uniform(0.45, 0.7)),
            i['started'] + dt.timedelta(seconds=span * 0.9))
        i['completed'] = completed
        last = completed
        if outcome in SERIOUS:
            after_completion = rng.random() < 0.3
            cand = after_wd(rng, completed, rng.randint(1, 2))
            if after_completion and cand <= dl and cand.year == completed.year:
                i['notified'] = cand
            else:
                i['notified'] = moment_between(rng, i['assessed'],
                                               min(completed - dt.timedelta(minutes=30),
                                                   after_wd(rng, i['assessed'], rng.randint(1, 4))))
            last = max(last, i['notified'])
        closed = after_wd(rng, last, rng.randint(1, 12))
        i['closed'] = closed if closed <= END_OF_DATA else None
        i['themes'] = themes_for(rng, lead['types'] or ['rattssakerhet', 'info'],
                                 lead['description'], outcome)
        if 'notified' in i:
            n = i['notified']
            if rng.random() < 0.25:                 # IVO asked for more, then closed
                req = after_wd(rng, n, rng.randint(15, 35))
                sup = after_wd(rng, req, rng.randint(4, 10))
                ans = after_wd(rng, sup, rng.randint(15, 40))
                if ans <= END_OF_DATA:
                    i.update(answer='supplement_requested_then_closed', answered=ans,
                             supplement=sup, supplement_req=req)
            else:
                ans = after_wd(rng, n, rng.randint(20, 75))
                if ans <= END_OF_DATA:
                    i.update(answer='closed_no_action', answered=ans)
        invs.append(i)

    # Numbering: reports by reported_at within the report year, investigations by opened_at.
    reports.sort(key=lambda r: (r['reported'], r['key']))
    seq = {}
    for r in reports:
        y = r['reported'].year
        seq[y] = seq.get(y, 0) + 1
        r['ref'] = 'LS-R-%d-%03d' % (y, seq[y])
    invs.sort(key=lambda i: i['opened'])
    seq = {}
    for i in invs:
        y = i['opened'].year
        seq[y] = seq.get(y, 0) + 1
        i['ref'] = 'LS-%d-%02d' % (y, seq[y])
        for m in i['members']:
            m['inv'] = i['ref']
    # Registry numbers of the IVO notifications (registry of Socialnämnden, ~600 matters a year).
    last = {}
    for i in sorted((i for i in invs if i.get('notified')), key=lambda i: i['notified']):
        y = i['notified'].year
        n = max(last.get(y, 0) + 1, int(i['notified'].timetuple().tm_yday * 1.6) + rng.randint(0, 6))
        last[y] = n
        i['regnr'] = '%d.%03d SN' % (y, n)
    return reports, invs


def write(reports, invs):
    with open(REP_PATH, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(REP_COLUMNS)
        for r in reports:
            w.writerow([r['ref'], r['regime'], r['unit'], fmt(r['happened']), fmt(r['reported']),
                        fmt(r['received']), r['source'], r['deviation_ref'], r.get('inv', ''),
                        r['description'], r['title']])
    with open(INV_PATH, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(INV_COLUMNS)
        for i in invs:
            g = lambda k: fmt(i.get(k))
            w.writerow([i['ref'], i['unit'], g('opened'), g('started'), g('assessed'), i['outcome'],
                        ';'.join(i.get('themes', [])), g('completed'), g('closed'),
                        'true' if i['early'] else 'false', g('notified'), i.get('regnr', ''),
                        i.get('answer', ''), g('answered'), g('supplement'), g('supplement_req')])


# --------------------------------------------------------------------------
# --check: recompute every published figure from the CSVs

def load(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def check():
    devs = {d['ref']: d for d in load(DEV_PATH)}
    reps, invs = load(REP_PATH), load(INV_PATH)
    TS_R = ('happened_at', 'reported_at', 'received_at')
    TS_I = ('opened_at', 'started_at', 'assessed_at', 'completed_at', 'closed_at', 'ivo_notified_at',
            'ivo_answered_at', 'ivo_supplement_at', 'ivo_supplement_requested_at')
    for r in reps:
        for k in TS_R:
            r[k] = parse(r[k])
    for i in invs:
        for k in TS_I:
            i[k] = parse(i[k])
        i['early'] = i['early_close'] == 'true'
        i['reports'] = [r for r in reps if r['investigation_ref'] == i['ref']]
        i['units'] = sorted({r['unit'] for r in i['reports']})
        i['year'] = (i['closed_at'] if i['early'] else i['completed_at'])
        i['year'] = i['year'].year if i['year'] else None
    out, bad, probs = [], [], []

    def line(fig, published, ours):
        ok = str(published) == str(ours)
        if not ok:
            bad.append(fig)
        out.append('| %s | %s | %s | %s |' % (fig, published, ours, 'ok' if ok else '**MISMATCH**'))

    def made(y):
        return [i for i in invs if i['year'] == y]

    sev = OUTCOMES.index
    out += ['# Lex Sarah demo data: published figures vs. `lex_sarah_*.csv`', '',
            'Generated by `python3 make_lex_sarah.py --check` (recomputed from lex_sarah_reports.csv,',
            'lex_sarah_investigations.csv and deviations.csv; years in Europe/Stockholm). An investigation',
            'counts in the year of completed_at (an early close: closed_at); notifications by ivo_notified_at;',
            'per unit once for each unit of its reports, the total once.', '',
            '| figure | published | data | |', '|---|---|---|---|']
    for y, pub in ((2022, '(3, not published)'), (2023, 6), (2024, 20), (2025, 33)):
        ours = len(made(y))
        line('investigations %d' % y, pub, '(%d, not published)' % ours if y == 2022 else ours)
    for y, pub in ((2022, '(1, not published)'), (2023, 1), (2024, 10), (2025, 9)):
        ours = sum(1 for i in invs if i['ivo_notified_at'] and i['ivo_notified_at'].year == y)
        line('notified to IVO %d' % y, pub, '(%d, not published)' % ours if y == 2022 else ours)
    line('notified in the year of completion (all)', 'yes',
         'yes' if all(i['year'] == i['ivo_notified_at'].year for i in invs if i['ivo_notified_at'])
         else 'no')
    line('every serious outcome notified, no other', 'yes',
         'yes' if all((i['outcome'] in SERIOUS) == bool(i['ivo_notified_at']) for i in invs) else 'no')
    m24 = made(2024)
    line('2024: outcome impropriety or risk of impropriety (or worse)', 19,
         sum(1 for i in m24 if sev(i['outcome']) >= 1))
    line('2024: no impropriety', 1, sum(1 for i in m24 if i['outcome'] == 'no_impropriety'))
    line('2024: serious (notified) = half', 10, sum(1 for i in m24 if i['outcome'] in SERIOUS))
    m23 = made(2023)
    line('2023: no impropriety (ordinary deviations)', 4,
         sum(1 for i in m23 if i['outcome'] == 'no_impropriety'))
    for y in (2024, 2025):
        answered = [i for i in invs if i['ivo_answered_at'] and i['ivo_answered_at'].year == y]
        line('IVO answers given in %d (%d: %d closed directly, %d closed after a supplement): '
             'all closed without further action' % (
                 y, len(answered), sum(i['ivo_answer'] == 'closed_no_action' for i in answered),
                 sum(i['ivo_answer'] == 'supplement_requested_then_closed' for i in answered)),
             'yes', 'yes' if all(i['ivo_answer'] in IVO_ANSWERS for i in answered) else 'no')
    table = [(ADM, 1, 0), (BOU1, 4, 7), (BOU2, 2, 7), (BOENDE, 5, 3), (SOF, 5, 1), (VS, 1, '–'),
             (VUXNA, 6, 2), (VOI, 9, '–'), (BS, 0, 1)]
    for y, col in ((2025, 1), (2024, 2)):
        for row in table:
            pub = row[col]
            ours = sum(1 for i in made(y) if row[0] in i['units'])
            line('%d per unit: %s' % (y, row[0]), pub, '–' if pub == '–' and ours == 0 else ours)
        others = sorted({u for i in made(y) for u in i['units']} - {row[0] for row in table})
        line('%d per unit: other units' % y, 'none', ', '.join(others) or 'none')
        line('%d per unit: sum of rows' % y, 33 if y == 2025 else 21,
             sum(len(i['units']) for i in made(y)))
    multi = [i for i in invs if len(i['reports']) > 1 and i['year'] == 2024]
    line('investigations of 2024 covering more than one report', 1, len(multi))
    j = multi[0] if multi else None
    line('… its reports (units, reported)',
         'AV-2024-005 (Barn och unga 1, 2024-01-12) + AV-2024-009 (Stöd och försörjning, 2024-01-19)',
         ' + '.join('%s (%s, %s)' % (r['deviation_ref'], r['unit'],
                                      devs[r['deviation_ref']]['reported_at'][:10])
                    for r in sorted(j['reports'], key=lambda r: r['deviation_ref'])) if j else '-')
    line('… completed in 2024 (counts once in the total, under both units)', 'yes',
         'yes' if j and j['year'] == 2024 else 'no')
    esc = {y: [d for d in devs.values() if d['escalated_at'] and d['reported_at'][:4] == str(y)]
           for y in (2022, 2023, 2024, 2025)}
    from_dev = {r['deviation_ref']: r for r in reps if r['source'] == 'deviation'}
    for y, pub in ((2025, 33), (2024, 20), (2023, '(6)'), (2022, '(3)')):
        n = sum(1 for d in esc[y] if d['ref'] in from_dev and from_dev[d['ref']]['investigation_ref'])
        line('%d deviation reports investigated under lex Sarah' % y, pub,
             n if isinstance(pub, int) else '(%d)' % n)
    line('escalated deviations without a lex Sarah report', 'none',
         ', '.join(sorted(d['ref'] for y in esc for d in esc[y] if d['ref'] not in from_dev)) or 'none')

    # Consistency of the data.
    refs = [r['ref'] for r in reps]
    irefs = {i['ref'] for i in invs}
    if len(set(refs)) != len(refs) or len(irefs) != len(invs):
        probs.append('duplicate refs')
    regnrs = [i['ivo_regnr'] for i in invs if i['ivo_regnr']]
    if len(set(regnrs)) != len(regnrs):
        probs.append('duplicate ivo_regnr')
    unassigned = []
    for r in reps:
        p = r['ref']
        if r['regime'] not in ('SoL', 'LSS') or r['source'] not in ('deviation', 'staff', 'complaint'):
            probs.append('%s: regime/source' % p)
        if r['ref'][5:9] != str(r['reported_at'].year):
            probs.append('%s: ref year' % p)
        lo, hi = UNIT_VALID.get(r['unit'], (dt.date(2022, 1, 1), dt.date(9999, 12, 31)))
        if r['unit'] not in UNITS or not lo <= r['reported_at'].date() <= hi:
            probs.append('%s: unit %s not valid then' % (p, r['unit']))
        if not r['happened_at'] <= r['reported_at'] <= r['received_at'] <= END_OF_DATA:
            probs.append('%s: happened <= reported <= received' % p)
        if not r['description'] or not r['reporter_title'] or r['reporter_title'][0].isupper():
            probs.append('%s: description/title' % p)
        if (r['source'] == 'deviation') != bool(r['deviation_ref']):
            probs.append('%s: source vs deviation_ref' % p)
        if r['deviation_ref']:
            d = devs.get(r['deviation_ref'])
            if not d or not d['escalated_at'] or d['unit'] != r['unit'] or \
                    parse(d['escalated_at']) != r['reported_at'] or d['regime'] != r['regime']:
                probs.append('%s: deviation %s missing/not escalated/other unit, time or regime'
                             % (p, r['deviation_ref']))
        if r['investigation_ref'] and r['investigation_ref'] not in irefs:
            probs.append('%s: unknown investigation' % p)
        if not r['investigation_ref']:
            unassigned.append(r)
    if len(from_dev) != sum(1 for r in reps if r['source'] == 'deviation'):
        probs.append('a deviation escalated into two reports')
    for r in unassigned:
        if r['received_at'] < dt.datetime(2025, 12, 1):
            probs.append('%s: unassigned but received before December 2025' % r['ref'])
    if len(unassigned) > 2:
        probs.append('more than 2 unassigned reports')
    for i in invs:
        p = i['ref']
        t = i
        if not i['reports']:
            probs.append('%s: no report' % p)
            continue
        if i['unit'] not in i['units']:
            probs.append('%s: leading unit not among its reports\' units' % p)
        if i['ref'][3:7] != str(i['opened_at'].year):
            probs.append('%s: ref year' % p)
        if i['outcome'] and i['outcome'] not in OUTCOMES:
            probs.append('%s: outcome' % p)
        if any(th not in THEMES for th in filter(None, i['themes'].split(';'))):
            probs.append('%s: theme' % p)
        seq = [t['opened_at'], t['started_at']]
        if not (t['opened_at'] >= max(r['received_at'] for r in i['reports'])
                and t['started_at'] and t['started_at'] >= t['opened_at']):
            probs.append('%s: opened >= received, started >= opened' % p)
        if i['early']:
            if i['outcome'] != 'no_impropriety' or i['completed_at'] or i['assessed_at'] or \
                    not i['closed_at'] or i['closed_at'] < i['started_at']:
                probs.append('%s: early close rules' % p)
        elif i['completed_at']:
            if not (i['outcome'] and i['assessed_at'] and i['started_at'] <= i['assessed_at']
                    <= i['completed_at']):
                probs.append('%s: started <= assessed <= completed' % p)
            if i['closed_at'] and i['closed_at'] < i['completed_at']:
                probs.append('%s: closed before completed' % p)
        else:
            if i['closed_at'] or i['outcome'] or i['assessed_at']:
                probs.append('%s: open investigation with later dates' % p)
        if i['outcome'] in SERIOUS:
            n = i['ivo_notified_at']
            if not n or not i['ivo_regnr'] or n < i['assessed_at'] or \
                    (i['closed_at'] and i['closed_at'] < n):
                probs.append('%s: notification after assessment, closure after notification' % p)
        elif i['ivo_notified_at'] or i['ivo_regnr'] or i['ivo_answer']:
            probs.append('%s: IVO data without a serious outcome' % p)
        if i['ivo_answer']:
            if i['ivo_answer'] not in IVO_ANSWERS or not i['ivo_answered_at'] or \
                    i['ivo_answered_at'] <= i['ivo_notified_at']:
                probs.append('%s: IVO answer' % p)
            sup = i['ivo_answer'] == 'supplement_requested_then_closed'
            if sup != bool(i['ivo_supplement_at']) or sup != bool(i['ivo_supplement_requested_at']) or \
                    (sup and not i['ivo_notified_at'] < i['ivo_supplement_requested_at'] <
                     i['ivo_supplement_at'] < i['ivo_answered_at']):
                probs.append('%s: IVO supplement' % p)
        elif i['ivo_answered_at'] or i['ivo_supplement_at']:
            probs.append('%s: IVO dates without answer' % p)
        if any(v and v > END_OF_DATA for k, v in i.items() if k in TS_I):
            probs.append('%s: timestamp after 2025-12-31' % p)
    open_inv = [i for i in invs if not i['closed_at']]
    no_answer = [i for i in invs if i['ivo_notified_at'] and not i['ivo_answer']]
    out += ['', 'Other properties of the data:', '',
            '- %d reports (%d from deviations, %d from complaints, %d from staff directly), %d investigations.'
            % (len(reps), len(from_dev), sum(r['source'] == 'complaint' for r in reps),
               sum(r['source'] == 'staff' for r in reps), len(invs)),
            '- Investigations 2022–2025 by outcome: %s; early closes: %s.' % (
                '; '.join('%d: %s' % (y, ', '.join('%s %d' % (o, sum(i['outcome'] == o for i in made(y)))
                                                   for o in OUTCOMES if any(i['outcome'] == o for i in made(y))))
                          for y in (2022, 2023, 2024, 2025)),
                ', '.join('%d: %d' % (y, sum(i['early'] for i in made(y))) for y in (2022, 2023, 2024, 2025))),
            '- Open at 2025-12-31: %d investigation(s) not closed (%s); %d report(s) not assigned (%s).'
            % (len(open_inv), ', '.join('%s %s' % (i['ref'], 'completed' if i['completed_at'] else 'under investigation')
                                        for i in open_inv),
               len(unassigned), ', '.join('%s received %s' % (r['ref'], fmt(r['received_at'])) for r in unassigned)),
            '- IVO notifications without an answer at 2025-12-31: %d (%s).'
            % (len(no_answer), ', '.join('%s notified %s' % (i['ref'], i['ivo_notified_at'].date())
                                          for i in no_answer)),
            '- Reports received later than the next working day: %d.'
            % sum(1 for r in reps if r['received_at'].date() > next_working_day(r['reported_at'].date(), 1)),
            '- Consistency checks (refs, unique registry numbers, deviation links with unit/time/regime, '
            'unit validity, timeline order, early-close rules, IVO rules, no timestamp after '
            '2025-12-31 23:59): %s.' % ('all pass' if not probs else '%d PROBLEMS' % len(probs))]
    out += ['  - ' + p for p in probs[:50]]
    print('\n'.join(out))
    return not bad and not probs


if __name__ == '__main__':
    if '--check' in sys.argv[1:]:
        sys.exit(0 if check() else 1)
    write(*generate())
    print('wrote %s and %s' % (REP_PATH, INV_PATH))
