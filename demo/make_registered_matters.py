#!/usr/bin/env python3
"""Generate the demo organisation's registered matters, 2022-2025: complaints and
feedback (synpunkter och klagomål), personal data incidents (personuppgiftsincidenter)
and lex Maja reports.

Writes, one row per matter, event level, deterministic (fixed seed):
    demo/complaint_subjects.csv  the organisation's subject taxonomy for complaints
    demo/complaints.csv          complaints, feedback, praise and improvement proposals
    demo/incident_types.csv      the organisation's taxonomy of personal data incidents
    demo/incidents.csv           personal data incidents
    demo/lex_maja.csv            lex Maja reports (animals in distress)
made to reproduce the published figures in shared/reference/alingsas-published-figures.md.
It reads demo/deviations.csv and demo/lex_sarah_*.csv for the links (a complaint that
revealed a deviation or led to a lex Sarah report; an incident forwarded from a deviation)
and for the registry numbers already taken (the IVO notifications).

    python3 make_registered_matters.py            # write the CSVs
    python3 make_registered_matters.py --check    # re-read them, print CHECK_REGISTERED_MATTERS.md,
                                                  # exit 1 on any difference

Counting rules used by --check (the statistics of sqm are to use the same):
- a complaint or feedback item counts in the year of registered_at, a personal data
  incident in the year of aware_at, a lex Maja report in the year of registered_at
  (all dates in Europe/Stockholm);
- "answered k of n" counts answers with answered_at on or before the follow-up date, the
  last working day of January after the year (the 2024 report: 2025-01-31);
- "Barn och unga" in the published per-unit lists is Barn och unga 1 + Barn och unga 2.

Python 3 standard library only.  Kept for provenance; not run by the tests.
"""
import csv
import datetime as dt
import os
import random
import re
import sys

from stockholm import is_working_day, next_working_day, utc_offset_hours

SEED = 20250214
HERE = os.path.dirname(os.path.abspath(__file__))
P = lambda name: os.path.join(HERE, name)
SUBJECTS_PATH, COMPLAINTS_PATH = P('complaint_subjects.csv'), P('complaints.csv')
TYPES_PATH, INCIDENTS_PATH, LEX_MAJA_PATH = P('incident_types.csv'), P('incidents.csv'), P('lex_maja.csv')
DEV_PATH, LSR_PATH, LSI_PATH = P('deviations.csv'), P('lex_sarah_reports.csv'), P('lex_sarah_investigations.csv')
END_OF_DATA = dt.datetime(2025, 12, 31, 23, 59)  # local time, Europe/Stockholm

TAXONOMY_COLUMNS = ['code', 'label_sv', 'label_en', 'valid_from', 'valid_until']
COMPLAINT_COLUMNS = ['ref', 'registry_number', 'kind', 'sender_type', 'sender_name', 'channel', 'unit',
                     'subjects', 'received_at', 'registered_at', 'handling_started_at', 'summary',
                     'answered_at', 'answered_by', 'answer_text', 'closed_at', 'deviation_ref',
                     'lex_sarah_ref']
INCIDENT_COLUMNS = ['ref', 'registry_number', 'unit', 'type', 'cause', 'happened_at', 'aware_at',
                    'registered_at', 'description', 'data_categories', 'data_subject_categories',
                    'data_subjects_count', 'recovered_at', 'assessed_at', 'risk', 'risk_justification',
                    'assessed_by', 'imy_notified_at', 'imy_reference', 'imy_late_reason',
                    'people_informed_at', 'informing_exception', 'action_plan_at',
                    'action_plan_responsible', 'action_plan', 'closed_at', 'deviation_ref']
LEX_MAJA_COLUMNS = ['ref', 'registry_number', 'unit', 'observed_at', 'registered_at', 'recipient',
                    'recipient_name', 'sent_at', 'closed_at', 'summary', 'reporter_title']

# --------------------------------------------------------------------------
# Organisation (demo/alingsas.sql)
ADM, D_VUXNA, D_SOA = 'Avdelning Administration', 'Avdelning Vuxna', 'Avdelning Stöd och arbete'
BOU1, BOU2, FH, FS = 'Barn och unga 1', 'Barn och unga 2', 'Familjehem', 'Familjestöd'
VUXNA, VS, BS, BOS, BOENDE = 'Vuxna', 'Vuxenstöd', 'Beroendestöd', 'Boendestöd', 'Boende'
SOF, AM, VOI = 'Stöd och försörjning', 'Arbetsmarknad', 'Vägledning och integration'
UNITS = [ADM, D_VUXNA, D_SOA, BOU1, BOU2, FH, FS, VUXNA, VS, BS, BOS, BOENDE, SOF, AM, VOI]
UNIT_VALID = {FS: (dt.date(2022, 1, 1), dt.date(2024, 12, 31)),
              VOI: (dt.date(2025, 1, 1), dt.date(9999, 12, 31))}
GROUP = {BOU1: 'unga', BOU2: 'unga', FH: 'unga', FS: 'unga', VUXNA: 'vuxna', VS: 'vuxna', BS: 'vuxna',
         BOS: 'vuxna', BOENDE: 'boende', SOF: 'soa', AM: 'soa', VOI: 'soa', ADM: 'adm', '': 'none'}
BOU = (BOU1, BOU2)   # "Barn och unga" in the published per-unit lists


def unit_valid(unit, d):
    lo, hi = UNIT_VALID.get(unit, (dt.date(2022, 1, 1), dt.date(9999, 12, 31)))
    return lo <= d <= hi


# --------------------------------------------------------------------------
# Taxonomies

SUBJECTS = [  # code, Swedish, English, valid from, valid until ('' = still valid)
    ('case_handling', 'Handläggning', 'Case handling', '2022-01-01', ''),
    ('processing_time', 'Handläggningstid', 'Processing time', '2022-01-01', '2023-12-31'),
    ('treatment', 'Bemötande', 'Treatment and attitude', '2022-01-01', ''),
    ('insufficient_support', 'Bristande stöd', 'Insufficient support', '2022-01-01', ''),
    ('information', 'Bristande eller felaktig information', 'Insufficient or wrong information',
     '2022-01-01', ''),
    ('accessibility', 'Tillgänglighet', 'Accessibility', '2022-01-01', ''),
    ('participation', 'Delaktighet', 'Participation', '2022-01-01', ''),
    ('service_performance', 'Insatsens utförande', 'Performance of the service', '2022-01-01', ''),
    ('legal_certainty', 'Rättssäkerhet', 'Legal certainty', '2022-01-01', ''),
    ('staffing', 'Bemanning och kontinuitet', 'Staffing and continuity', '2022-01-01', ''),
    ('premises', 'Lokaler och miljö', 'Premises', '2022-01-01', ''),
    ('digital_services', 'Digitala tjänster', 'Digital services', '2025-01-01', ''),
    ('other', 'Övrigt', 'Other', '2022-01-01', ''),
]
TOP_SUBJECTS = ['case_handling', 'treatment', 'insufficient_support', 'information']

INCIDENT_TYPES = [
    ('wrong_recipient_document', 'Handling skickad till fel mottagare', 'Document sent to the wrong recipient',
     '2022-01-01', ''),
    ('wrong_recipient_sms', 'Sms skickat till fel mottagare', 'Text message sent to the wrong recipient',
     '2022-01-01', ''),
    ('lost_document', 'Förlorad handling eller pärm', 'Lost document or folder', '2022-01-01', ''),
    ('lost_device', 'Förlorad enhet eller USB-minne', 'Lost device or USB stick', '2022-01-01', ''),
    ('unauthorised_access', 'Obehörig åtkomst', 'Unauthorised access', '2022-01-01', ''),
    ('misfiled_document', 'Handling i fel akt', 'Document filed in the wrong case file', '2023-01-01', ''),
    ('other', 'Annat', 'Other', '2022-01-01', ''),
]
KINDS = ['complaint', 'feedback', 'praise', 'improvement_proposal']
SENDER_TYPES = ['service_user', 'relative', 'organisation', 'authority', 'anonymous']
CHANNELS = ['e_service', 'email', 'letter', 'phone', 'visit']
CAUSES = ['human_error', 'technical', 'routine', 'external', 'unknown']
RISKS = ['unlikely', 'risk', 'high']
DATA_CATEGORIES = ['identity', 'contact', 'social_services', 'health', 'financial', 'protected_identity',
                   'offences']
SUBJECT_CATEGORIES = ['service_user', 'child', 'guardian', 'relative', 'staff', 'other']
LEX_MAJA_RECIPIENTS = {'county_board': 'Länsstyrelsen i Västra Götalands län', 'police': 'Polismyndigheten'}

# Obviously fictional people and organisations (only where a field needs a name).
FIRST = ['Anna', 'Per', 'Karin', 'Lars', 'Maria', 'Johan', 'Eva', 'Mikael', 'Sara', 'Erik', 'Lena', 'Ali',
         'Fatima', 'Nils', 'Ingrid', 'Omar', 'Elin', 'Jonas', 'Hanna', 'Björn']
LAST = ['Exempelsson', 'Påhittad', 'Fiktivsson', 'Demoberg', 'Låtsasson', 'Testlund', 'Provström',
        'Exempelgren', 'Påhittsson', 'Demolin']
ORGANISATIONS = ['Anhörigföreningen Exempel', 'Brukarrådet Demo', 'Föreningen Påhittat Stöd']

# Follow-up dates of the yearly reports: answers dated on or before them count as registered.
FOLLOW_UP = {2022: dt.date(2023, 1, 31), 2023: dt.date(2024, 1, 31), 2024: dt.date(2025, 1, 31),
             2025: dt.date(2026, 1, 30)}
ROUTINE_ANSWER_WD = 10   # the routine target: answered within 10 working days of registration

# --------------------------------------------------------------------------
# Complaint templates: (kind, group, sender type[:fixed sender name], subjects, summary, answer).
# Groups: unga (Barn och unga 1 and 2 only), vuxna, boende, soa, none (not directed at a unit);
# FS/FH/AM/VOI name one unit, for texts that fit only there.
T = [
    # ---- complaints, Barn och unga / Familjehem / Familjestöd
    ('complaint', 'unga', 'relative', 'case_handling;processing_time',
     'Vårdnadshavare klagar på att utredningen om barnet dragit ut på tiden utan besked om när beslut fattas.',
     'Skriftligt svar: enheten beklagar dröjsmålet; handläggaren har lämnat besked om tidsplanen.'),
    ('complaint', 'unga', 'relative', 'case_handling;information',
     'Vårdnadshavare klagar på att hen inte fått information om vad som händer i utredningen om barnet.',
     'Skriftligt svar med redogörelse för utredningens gång; uppföljande samtal med handläggaren bokat.'),
    ('complaint', 'unga', 'relative', 'treatment',
     'Förälder upplever att socialsekreteraren var nedlåtande och inte lyssnade under ett hembesök.',
     'Samtal med föräldern och enhetschefen; bemötandet har tagits upp med medarbetaren.'),
    ('complaint', 'unga', 'relative', 'treatment;case_handling',
     'Förälder upplever sig ifrågasatt och anser att utredningen bara tagit hänsyn till den andra förälderns uppgifter.',
     'Möte med föräldern där utredningen gicks igenom; föräldern har getts möjlighet att lämna egna uppgifter.'),
    ('complaint', 'unga', 'relative', 'insufficient_support;participation',
     'Vårdnadshavare anser att familjen inte fått det stöd som utlovades och inte fått vara delaktig i planeringen.',
     'Möte med familjen; en ny plan upprättas tillsammans med vårdnadshavarna.'),
    ('complaint', 'unga', 'relative', 'case_handling;legal_certainty',
     'Förälder klagar på att beslut fattats utan att hen fått ta del av och yttra sig över utredningen.',
     'Skriftligt svar om reglerna för kommunicering; utredningen har kommunicerats och beslutet omprövats.'),
    ('complaint', 'unga', 'relative', 'information;treatment',
     'Vårdnadshavare klagar på att hen inte fått svar på upprepade samtal och e-postmeddelanden till handläggaren.',
     'Telefonsamtal med vårdnadshavaren; ersättare utses nu när handläggaren är frånvarande.'),
    ('complaint', 'unga', 'authority:Region Västra Götaland, barn- och ungdomspsykiatrin', 'case_handling;information',
     'Barn- och ungdomspsykiatrin påtalar att kallelse till ett SIP-möte kom för sent för att kunna delta.',
     'Svar till regionen; rutinen för kallelse till SIP-möten har förtydligats inom enheten.'),
    ('complaint', 'FS', 'relative', 'insufficient_support;participation',
     'Förälder anser att familjebehandlingen avslutades för tidigt och utan att familjens synpunkter hördes.',
     'Uppföljande samtal med familjen; behandlingen har förlängts med två månader.'),
    ('complaint', 'FS', 'relative', 'treatment;participation',
     'Förälder upplever att familjebehandlaren inte tog familjens egna förslag på allvar.',
     'Samtal med föräldern och enhetschefen; familjens förslag tas in i den fortsatta planeringen.'),
    ('complaint', 'FH', 'relative', 'treatment',
     'Förälder till ett placerat barn upplever sig nedvärderad i kontakten med familjehemssekreteraren.',
     'Samtal med föräldern och enhetschefen; bemötandet har följts upp med medarbetaren.'),
    ('complaint', 'FH', 'relative', 'information;case_handling',
     'Förälder till ett placerat barn klagar på att hen inte informerats om ändrade umgängestider.',
     'Skriftligt svar; umgängesplanen har skickats till föräldern och gåtts igenom vid ett möte.'),
    # ---- complaints, Vuxna / Vuxenstöd / Beroendestöd / Boendestöd
    ('complaint', 'vuxna', 'service_user', 'case_handling;processing_time',
     'Den enskilde klagar på lång handläggningstid för en ansökan om insats.',
     'Skriftligt svar; beslut fattades veckan efter och den enskilde har informerats om handläggningstiden.'),
    ('complaint', 'vuxna', 'service_user', 'treatment',
     'Den enskilde upplever att hen blev illa bemött vid ett möte med handläggare.',
     'Samtal med den enskilde; enhetschefen har följt upp bemötandet med medarbetaren.'),
    ('complaint', 'vuxna', 'relative', 'insufficient_support;service_performance',
     'Närstående klagar på att beviljat stöd inte getts på de tider som överenskommits.',
     'Svar per brev; schemat har setts över och den enskilde har fått en fast kontaktperson.'),
    ('complaint', 'vuxna', 'relative', 'insufficient_support;case_handling',
     'Närstående anser att den enskilde inte fått tillräckligt stöd efter avslutad behandling.',
     'Möte med den enskilde och närstående; en ny planering för fortsatt stöd har gjorts.'),
    ('complaint', 'vuxna', 'service_user', 'information;case_handling',
     'Den enskilde fick fel besked om vilka handlingar som behövdes och fick komplettera ansökan flera gånger.',
     'Skriftligt svar med ursäkt; informationen om ansökan har setts över.'),
    ('complaint', 'vuxna', 'service_user', 'treatment;staffing',
     'Den enskilde klagar på att kontaktpersonen byts ofta och att ingen tar ansvar för planeringen.',
     'Samtal med den enskilde; en namngiven kontaktperson med ersättare har utsetts.'),
    ('complaint', 'vuxna', 'authority:Kriminalvården, frivården', 'case_handling',
     'Frivården påtalar att en överenskommen samordning inför frigivning inte blev av.',
     'Svar till frivården; samordningen har genomförts och ansvarsfördelningen förtydligats.'),
    # ---- complaints, Boende
    ('complaint', 'boende', 'relative', 'service_performance;staffing',
     'Närstående klagar på att planerade aktiviteter ställts in flera gånger på grund av låg bemanning.',
     'Svar per brev; bemanningen vid helger har förstärkts och aktiviteterna planeras om.'),
    ('complaint', 'boende', 'relative', 'treatment;information',
     'Närstående upplever att personalen inte svarar på frågor om den boendes vardag.',
     'Möte med närstående; överenskommelse om regelbunden kontakt med kontaktpersonen.'),
    # ---- complaints, Stöd och försörjning / Arbetsmarknad / Vägledning och integration
    ('complaint', 'soa', 'service_user', 'case_handling;legal_certainty',
     'Sökande anser att avslagsbeslutet på ekonomiskt bistånd saknade en begriplig motivering.',
     'Skriftligt svar; beslutet har förklarats vid ett möte och sökanden informerats om hur man överklagar.'),
    ('complaint', 'soa', 'service_user', 'treatment',
     'Den enskilde upplever att handläggaren var otrevlig under ett telefonsamtal.',
     'Samtal med den enskilde; enhetschefen har följt upp samtalet med handläggaren.'),
    ('complaint', 'soa', 'service_user', 'accessibility;case_handling',
     'Den enskilde klagar på att det är svårt att nå handläggaren och att telefontiden är för kort.',
     'Skriftligt svar; telefontiden har förlängts och det går att boka återuppringning.'),
    ('complaint', 'AM', 'service_user', 'insufficient_support',
     'Deltagare anser att hen inte fått det stöd som planerats för att komma vidare till arbete.',
     'Uppföljningsmöte med deltagaren; planeringen har reviderats.'),
    ('complaint', 'VOI', 'service_user', 'information;legal_certainty',
     'Den enskilde fick inte beslutet förklarat på ett språk hen förstår.',
     'Nytt möte med tolk där beslutet förklarades; rutinen för tolkbokning har förtydligats.'),
    # ---- complaints, not directed at a unit
    ('complaint', 'none', 'anonymous', 'accessibility',
     'Klagomål på att det inte går att nå socialtjänsten via växeln under lunchtid.',
     'Anonymt, kan inte besvaras. Hantering: telefontiderna har setts över tillsammans med kontaktcenter.'),
    # ---- feedback, not directed at a unit
    ('feedback', 'none', 'service_user', 'information;accessibility',
     'Synpunkt på att socialtjänstens telefontider är svåra att hitta på kommunens webbplats.',
     'Svar per e-post; telefontiderna har lagts på webbplatsens startsida för socialtjänsten.'),
    ('feedback', 'none', 'anonymous', 'premises',
     'Synpunkt på att väntrummet i receptionen är trångt och saknar avskildhet.',
     'Anonymt, kan inte besvaras. Hantering: möblering och skärmväggar i väntrummet ses över.'),
    ('feedback', 'none', 'anonymous', 'treatment',
     'Synpunkt på att personalen i receptionen bör presentera sig och förklara väntetiden.',
     'Anonymt, kan inte besvaras. Hantering: synpunkten har tagits upp med receptionens personal.'),
    ('feedback', 'none', 'service_user', 'information',
     'Synpunkt på att informationen om hur man ansöker om stöd är svår att förstå på webbplatsen.',
     'Svar per e-post; texterna på webbplatsen skrivs om i klarspråk.'),
    ('feedback', 'none', 'relative', 'case_handling',
     'Synpunkt på att beslut skickas med vanlig post och därför når mottagaren sent.',
     'Svar per brev med information om hur beslut skickas; frågan om digital brevlåda utreds.'),
    ('feedback', 'none', 'service_user', 'accessibility',
     'Synpunkt på att det saknas möjlighet att boka tid för besök digitalt.',
     'Svar per e-post; digital tidsbokning finns med i förvaltningens utvecklingsplan.'),
    ('feedback', 'none', 'anonymous', 'case_handling;treatment',
     'Synpunkt på att socialtjänsten inte återkopplar till den som gjort en orosanmälan.',
     'Anonymt, kan inte besvaras. Hantering: rutinen för återkoppling till anmälare har förtydligats.'),
    ('feedback', 'none', 'organisation', 'staffing',
     'Synpunkt från en förening på att många byten av handläggare försvårar kontakten för medlemmarna.',
     'Svar till föreningen med information om åtgärder för att behålla personal.'),
    ('feedback', 'none', 'organisation', 'insufficient_support',
     'Synpunkt från en förening på att stödet till anhöriga behöver utvecklas.',
     'Svar till föreningen; dialogmöte om anhörigstöd har genomförts.'),
    ('feedback', 'none', 'organisation', 'participation',
     'Synpunkt på att brukare borde få vara med och utforma verksamheternas information.',
     'Svar till brukarrådet; brukare bjuds in att granska ny information innan den publiceras.'),
    ('feedback', 'none', 'anonymous', 'other',
     'Synpunkt på en artikel i lokaltidningen om socialtjänstens arbete.',
     'Anonymt, kan inte besvaras. Hantering: noterad; ingen åtgärd.'),
    ('feedback', 'none', 'service_user', 'accessibility;digital_services',
     'Synpunkt på att e-tjänsten för ansökan om ekonomiskt bistånd inte fungerar bra i mobilen.',
     'Svar per e-post; felet har anmälts till leverantören av e-tjänsten.'),
    ('feedback', 'none', 'anonymous', 'insufficient_support;treatment',
     'Synpunkt på att den som söker stöd möts av för många frågor innan hen får hjälp.',
     'Anonymt, kan inte besvaras. Hantering: synpunkten har tagits upp i mottagningens ledningsgrupp.'),
    # ---- feedback directed at a unit
    ('feedback', 'vuxna', 'service_user', 'case_handling',
     'Synpunkt på att kallelser till möten kommer för sent för att hinna ordna ledigt.',
     'Svar per brev; kallelser skickas nu minst två veckor i förväg.'),
    ('feedback', 'vuxna', 'relative', 'treatment;insufficient_support',
     'Synpunkt på att personalen borde ha mer tid för samtal vid besöken.',
     'Svar per telefon; besökens längd ses över i planeringen.'),
    ('feedback', 'soa', 'service_user', 'information',
     'Synpunkt på att beslutsbrevet om ekonomiskt bistånd var svårt att förstå.',
     'Svar per brev; mallen för beslutsbrev skrivs om i klarspråk.'),
    ('feedback', 'soa', 'service_user', 'insufficient_support',
     'Synpunkt på att det behövs mer stöd i att söka arbete för den som får ekonomiskt bistånd.',
     'Svar per brev med information om arbetsmarknadsenhetens insatser.'),
    ('feedback', 'unga', 'relative', 'participation',
     'Synpunkt på att barnet borde få vara med vid uppföljningsmötena.',
     'Svar per telefon; barnet bjuds in till nästa uppföljning.'),
    ('feedback', 'boende', 'relative', 'service_performance',
     'Synpunkt på att de boende borde få vara med och planera helgernas aktiviteter.',
     'Svar per brev; boenderåd införs en gång i månaden.'),
    ('feedback', 'VOI', 'organisation', 'information',
     'Synpunkt från en förening på att informationen om verksamheten behöver finnas på fler språk.',
     'Svar till föreningen; informationsbladet översätts till fem språk.'),
    # ---- praise
    ('praise', 'boende', 'relative', 'treatment',
     'Beröm till personalen för ett respektfullt och varmt bemötande under en svår period.',
     'Tack för berömmet; det har förmedlats till personalen.'),
    ('praise', 'FH', 'relative', 'service_performance',
     'Beröm till familjehemssekreteraren för stödet under placeringen.',
     'Tack för berömmet; det har förmedlats till medarbetaren.'),
    ('praise', 'vuxna', 'service_user', 'treatment',
     'Beröm för att handläggaren tog sig tid och förklarade allt tydligt.',
     'Tack för berömmet; det har förmedlats till handläggaren.'),
    # ---- improvement proposals
    ('improvement_proposal', 'none', 'service_user', 'accessibility;digital_services',
     'Förslag om att införa digital tidsbokning för besök hos socialtjänsten.',
     'Svar per e-post; förslaget tas med i arbetet med nya e-tjänster.'),
    ('improvement_proposal', 'none', 'organisation', 'information',
     'Förslag om att ta fram information om socialtjänstens stöd på lättläst svenska.',
     'Svar till föreningen; lättlästa texter tas fram under året.'),
    ('improvement_proposal', 'none', 'relative', 'premises',
     'Förslag om en lekhörna i väntrummet för barn som följer med vid besök.',
     'Svar per e-post; en lekhörna har ordnats i väntrummet.'),
]
TEMPLATES = [dict(id=i, kind=t[0], group=t[1], sender=t[2].split(':')[0], sender_name=t[2].partition(':')[2],
                  subjects=t[3].split(';'), summary=t[4], answer=t[5]) for i, t in enumerate(T)]


def template_fits(t, kind, unit):
    if t['kind'] != kind:
        return False
    if t['group'] in ('FS', 'FH', 'AM', 'VOI'):
        return unit == {'FS': FS, 'FH': FH, 'AM': AM, 'VOI': VOI}[t['group']]
    if t['group'] == 'unga':            # investigations of children: Barn och unga only
        return unit in BOU
    return t['group'] == GROUP[unit]


# Answer policies: 'normal' (within a few working days, some late), 'after' (after the
# follow-up date of the report year: the report counted it as missing), 'missing' (none at the
# end of the data).
# The plan per registration year: (kind, unit, policy, special); special names a fixed row.
PLAN = {
    2022: [('complaint', BOU2, 'normal', None), ('complaint', VUXNA, 'normal', None),
           ('complaint', SOF, 'normal', None), ('feedback', '', 'normal', None),
           ('feedback', '', 'normal', None), ('feedback', BOU1, 'normal', None)],
    2023: [('complaint', BOU1, 'normal', None), ('complaint', BOU1, 'normal', None),
           ('complaint', BOU2, 'normal', None), ('complaint', BOU2, 'after', None),
           ('complaint', VUXNA, 'normal', None), ('complaint', VUXNA, 'normal', None),
           ('complaint', SOF, 'normal', None), ('complaint', BOENDE, 'normal', None),
           ('complaint', FH, 'normal', None),
           ('feedback', '', 'normal', None), ('feedback', '', 'normal', None), ('feedback', '', 'after', None),
           ('feedback', '', 'normal', None), ('feedback', VUXNA, 'normal', None),
           ('feedback', SOF, 'normal', None), ('feedback', BOENDE, 'normal', None),
           ('praise', BOENDE, 'normal', None), ('improvement_proposal', '', 'normal', None)],
    # 2024 as published: 11 complaints (Barn och unga 5 = BOU1 2 + BOU2 3, Vuxna 3, SOF 1,
    # Familjestöd 1, Familjehem 1), 9 feedback (Vuxna 1, SOF 1, none 7); answered at the
    # follow-up 7 of 11 and 5 of 9.
    2024: [('complaint', BOU1, 'normal', None), ('complaint', BOU1, 'after', 'december'),
           ('complaint', BOU2, 'normal', 'ls_2024'), ('complaint', BOU2, 'normal', None),
           ('complaint', BOU2, 'after', None),
           ('complaint', VUXNA, 'normal', None), ('complaint', VUXNA, 'after', None),
           ('complaint', VUXNA, 'after', 'december'),
           ('complaint', SOF, 'normal', 'dev_AV-2024-080'), ('complaint', FS, 'normal', None),
           ('complaint', FH, 'normal', 'dev_AV-2024-012'),
           ('feedback', VUXNA, 'after', None), ('feedback', SOF, 'normal', None),
           ('feedback', '', 'normal', 'new_year'), ('feedback', '', 'normal', None),
           ('feedback', '', 'normal', None), ('feedback', '', 'normal', None),
           ('feedback', '', 'after', None), ('feedback', '', 'after', None),
           ('feedback', '', 'after', 'december')],
    # 2025: 27, an answer missing for 2 (the Vuxna complaint waiting for its lex Sarah
    # investigation, and an anonymous item registered just before Christmas).
    2025: [('complaint', BOU1, 'normal', None), ('complaint', BOU1, 'normal', None),
           ('complaint', BOU1, 'normal', None), ('complaint', BOU2, 'normal', None),
           ('complaint', BOU2, 'normal', None), ('complaint', VUXNA, 'normal', None),
           ('complaint', VUXNA, 'normal', None), ('complaint', VUXNA, 'missing', 'ls_2025'),
           ('complaint', SOF, 'normal', None), ('complaint', SOF, 'normal', 'dev_AV-2025-108'),
           ('complaint', VOI, 'normal', 'dev_AV-2025-020'), ('complaint', VOI, 'normal', None),
           ('complaint', BOENDE, 'normal', None), ('complaint', VS, 'normal', 'dev_AV-2025-009'),
           ('feedback', '', 'normal', None), ('feedback', '', 'normal', None), ('feedback', '', 'normal', None),
           ('feedback', '', 'normal', None), ('feedback', '', 'normal', None),
           ('feedback', '', 'missing', 'christmas'),
           ('feedback', VOI, 'normal', None), ('feedback', SOF, 'normal', None),
           ('feedback', BOENDE, 'normal', None), ('feedback', BS, 'normal', None),
           ('praise', BOENDE, 'normal', None), ('praise', FH, 'normal', None),
           ('improvement_proposal', '', 'normal', None)],
}

# Fixed rows: complaints that led to a lex Sarah report (lex_sarah_reports.csv, source
# 'complaint') or revealed a deviation (deviations.csv), with their own texts.
SPECIAL = {
    'ls_2024': dict(sender='relative', channel='letter', subjects=['insufficient_support', 'information'],
                    received=dt.datetime(2024, 5, 8, 9, 40), registered=dt.datetime(2024, 5, 8, 13, 55),
                    lex_sarah='LS-R-2024-013',
                    summary='Vårdnadshavare klagar på att beslutat umgänge i kontrollerad form inte kommit '
                            'till stånd under flera veckor och att barnet inte informerats.',
                    answer='Skriftligt svar; umgänget har återupptagits och ärendet utreds enligt lex Sarah.'),
    'ls_2025': dict(sender='relative', channel='email', subjects=['insufficient_support', 'case_handling'],
                    received=dt.datetime(2025, 12, 1, 19, 12), registered=dt.datetime(2025, 12, 2, 10, 5),
                    lex_sarah='LS-R-2025-032',
                    summary='Närstående klagar på att den enskilde inte fått något stöd efter avslutad '
                            'behandling trots beslut om fortsatt insats.',
                    answer=None),
    'dev_AV-2024-012': dict(sender='relative', channel='email', subjects=['case_handling', 'information'],
                            received=dt.datetime(2024, 1, 22, 20, 35), registered=dt.datetime(2024, 1, 23, 9, 50),
                            summary='Förälder till ett placerat barn klagar på att en ansökan inte handlagts '
                                    'inom utlovad tid och att ingen information lämnats.',
                            answer='Skriftligt svar med ursäkt; ansökan har handlagts och en avvikelse rapporterats.'),
    'dev_AV-2024-080': dict(sender='service_user', channel='e_service', subjects=['case_handling', 'information'],
                            received=dt.datetime(2024, 10, 19, 21, 4), registered=dt.datetime(2024, 10, 21, 8, 40),
                            summary='Sökande klagar på att ansökan om ekonomiskt bistånd inte handlagts i tid '
                                    'och att ingen information lämnats om varför.',
                            answer='Skriftligt svar; beslut har fattats och en avvikelse har rapporterats.'),
    'dev_AV-2025-009': dict(sender='service_user', channel='e_service', subjects=['treatment'],
                            received=dt.datetime(2025, 1, 19, 20, 12), registered=dt.datetime(2025, 1, 20, 9, 40),
                            summary='Den enskilde upplevde bemötandet vid ett besök som otrevligt och nedvärderande.',
                            answer='Samtal med den enskilde och enhetschefen; en avvikelse har rapporterats.'),
    'dev_AV-2025-020': dict(sender='service_user', channel='phone', subjects=['case_handling', 'insufficient_support'],
                            received=dt.datetime(2025, 2, 17, 14, 20), registered=dt.datetime(2025, 2, 18, 10, 15),
                            summary='Sökande klagar på att ansökan om ekonomiskt bistånd legat obehandlad i flera '
                                    'veckor och att hen står utan pengar till hyran.',
                            answer='Telefonsamtal samma vecka och skriftligt svar; beslut fattat, händelsen utreds.'),
    'dev_AV-2025-108': dict(sender='service_user', channel='e_service', subjects=['case_handling', 'information'],
                            received=dt.datetime(2025, 10, 26, 18, 47), registered=dt.datetime(2025, 10, 27, 9, 10),
                            summary='Sökande klagar på att ansökan om ekonomiskt bistånd legat obehandlad i flera '
                                    'veckor utan besked.',
                            answer='Skriftligt svar; beslut fattat och händelsen utreds enligt lex Sarah.'),
}

# --------------------------------------------------------------------------
# Personal data incidents: the plan per year of aware_at.  (unit, type, cause, risk, special)
INCIDENT_PLAN = {
    2022: [(BOU2, 'wrong_recipient_document', 'human_error', 'unlikely', None),
           (SOF, 'wrong_recipient_sms', 'human_error', 'unlikely', None),
           (VUXNA, 'lost_document', 'human_error', 'unlikely', None)],
    2023: [(BOU1, 'wrong_recipient_document', 'human_error', 'high', 'protected'),
           (BOU1, 'wrong_recipient_sms', 'human_error', 'unlikely', None),
           (BOU2, 'wrong_recipient_document', 'human_error', 'unlikely', None),
           (BOU2, 'misfiled_document', 'human_error', 'unlikely', 'dev_AV-2023-004'),
           (BOU2, 'wrong_recipient_document', 'human_error', 'unlikely', None),
           (FS, 'lost_document', 'human_error', 'unlikely', None),
           (VUXNA, 'unauthorised_access', 'human_error', 'risk', 'dst'),
           (SOF, 'wrong_recipient_document', 'human_error', 'unlikely', None),
           (SOF, 'wrong_recipient_sms', 'human_error', 'unlikely', None),
           (ADM, 'wrong_recipient_document', 'technical', 'unlikely', 'printing'),
           (BS, 'wrong_recipient_sms', 'human_error', 'unlikely', None),
           (BOENDE, 'other', 'human_error', 'unlikely', None)],
    # 2024 as published: 5 from Barn och unga (BOU1 2, BOU2 3), 1 each from Stöd och
    # försörjning, Familjehem, Arbetsmarknad, Beroendestöd; all human error, all "unlikely".
    2024: [(BOU1, 'wrong_recipient_document', 'human_error', 'unlikely', 'new_year'),
           (BOU1, 'lost_document', 'human_error', 'unlikely', 'folder'),
           (BOU2, 'wrong_recipient_sms', 'human_error', 'unlikely', None),
           (BOU2, 'wrong_recipient_document', 'human_error', 'unlikely', None),
           (BOU2, 'misfiled_document', 'human_error', 'unlikely', 'dev_AV-2024-094'),
           (SOF, 'wrong_recipient_document', 'human_error', 'unlikely', None),
           (FH, 'wrong_recipient_document', 'human_error', 'unlikely', None),
           (AM, 'lost_device', 'human_error', 'unlikely', 'usb'),
           (BS, 'wrong_recipient_sms', 'human_error', 'unlikely', None)],
    2025: [(BOU1, 'wrong_recipient_document', 'human_error', 'unlikely', None),
           (BOU1, 'wrong_recipient_sms', 'human_error', 'unlikely', None),
           (BOU2, 'wrong_recipient_document', 'human_error', 'unlikely', None),
           (VOI, 'wrong_recipient_document', 'human_error', 'unlikely', None),
           (VOI, 'wrong_recipient_sms', 'human_error', 'unlikely', None),
           (SOF, 'misfiled_document', 'human_error', 'unlikely', 'dev_AV-2025-096'),
           (SOF, 'wrong_recipient_sms', 'human_error', 'unlikely', None),
           (VUXNA, 'unauthorised_access', 'human_error', 'unlikely', None),
           (BOENDE, 'lost_document', 'human_error', 'unlikely', None),
           (VS, 'wrong_recipient_document', 'human_error', 'unlikely', None),
           (ADM, 'other', 'human_error', 'unlikely', 'december')],
}

# Texts per (type, unit group); the first fitting entry wins, 'any' is the fallback.
INCIDENT_TEXT = {
    ('wrong_recipient_document', 'unga'): [
        'Kallelse till möte skickades med post till fel vårdnadshavares adress; mottagaren hörde av sig och lämnade tillbaka brevet.',
        'E-post med bifogat underlag om ett barn skickades till fel mottagare på en skola (namnlikhet i adressfältet); mottagaren raderade meddelandet.',
        'Brev om ett barn lades i fel kuvert och skickades till en annan familj, som ringde och lämnade tillbaka det.'],
    ('wrong_recipient_document', 'soa'): [
        'Beslut om ekonomiskt bistånd lades i fel kuvert och skickades till en annan sökande, som lämnade tillbaka det.',
        'E-post med kopia av en ansökan skickades till fel extern mottagare; mottagaren raderade meddelandet.'],
    ('wrong_recipient_document', 'vuxna'): [
        'Kopia av journalanteckningar skickades till den enskildes tidigare adress; den nya hyresgästen lämnade in brevet.',
        'Kallelse till uppföljningsmöte skickades med e-post till en annan person med liknande namn; mottagaren raderade meddelandet.'],
    ('wrong_recipient_document', 'FH'): [
        'E-post med uppgifter om ett placerat barn skickades till fel familjehem; mottagaren raderade meddelandet och bekräftade det skriftligt.'],
    ('wrong_recipient_sms', 'any'): [
        'Sms-påminnelse om ett besök skickades till ett telefonnummer som inte längre tillhörde den enskilde.',
        'Sms med mötestid och handläggarens namn skickades till fel nummer på grund av en sifferförväxling.'],
    ('lost_document', 'vuxna'): [
        'En mapp med kopior av underlag till ett ärende saknades efter ett hembesök; den återfanns i tjänstebilen två arbetsdagar senare.'],
    ('lost_document', 'unga'): [
        'En pärm med arbetsanteckningar från utredningar saknades efter ett hembesök; den återfanns i tjänstebilen nästa arbetsdag.'],
    ('lost_document', 'boende'): [
        'En pärm med genomförandeplaner saknades efter en flytt mellan lägenheter; den återfanns i ett förråd fem arbetsdagar senare.'],
    ('misfiled_document', 'any'): [
        'En handling om en enskild skannades in i en annan persons akt och kunde ses av behöriga i det ärendet innan den flyttades.'],
    ('unauthorised_access', 'vuxna'): [
        'En medarbetare öppnade fel persons akt efter att ha skrivit fel personnummer vid sökning och stängde den direkt; upptäcktes vid logggranskning.'],
    ('other', 'boende'): [
        'En lista med de boendes namn och läkemedelstider satt uppe på en anslagstavla som besökare kunde se.'],
    ('other', 'adm'): [
        'En utskrift med personuppgifter blev liggande i en gemensam skrivare som används av flera förvaltningar; en medarbetare från en annan förvaltning lämnade in den.'],
}
INCIDENT_SPECIAL_TEXT = {
    'protected': 'Ett beslut med uppgift om ett barns vistelseort, som omfattas av skyddade personuppgifter, '
                 'skickades till den andra vårdnadshavaren.',
    'dst': 'Vid den månatliga granskningen av loggar upptäcktes att en medarbetare öppnat en akt om en '
           'närstående utan tjänsteskäl.',
    'printing': 'Vid ett utskick via kommunens utskriftstjänst hamnade två beslutsbrev i samma kuvert på grund av '
                'ett fel i sorteringen; mottagaren lämnade tillbaka det andra brevet.',
    'folder': 'En pärm med arbetsanteckningar glömdes i ett mötesrum i stadshuset; vaktmästaren hittade den '
              'nästa arbetsdag.',
    'usb': 'Ett USB-minne med en deltagarlista (namn och telefonnummer) saknades efter en gruppträff; det '
           'återfanns i enhetens lokaler tre arbetsdagar senare.',
}
JUSTIFICATION = {
    'wrong_recipient_document': 'Mottagaren hörde själv av sig och har lämnat tillbaka eller raderat handlingen; '
                                'inget tyder på att uppgifterna spridits vidare. Risken bedöms som osannolik.',
    'wrong_recipient_sms': 'Meddelandet innehöll bara tid och kommunen som avsändare, inga uppgifter om '
                           'insatsen; numret har rättats. Risken bedöms som osannolik.',
    'lost_document': 'Handlingarna återfanns på en plats dit obehöriga inte har tillträde eller inte tagit del '
                     'av dem. Risken bedöms som osannolik.',
    'lost_device': 'USB-minnet återfanns i enhetens lokaler; uppgifterna var namn och telefonnummer och inget '
                   'tyder på att någon utomstående tagit del av dem. Risken bedöms som osannolik.',
    'unauthorised_access': 'Akten öppnades av misstag och stängdes direkt; medarbetaren omfattas av sekretess och '
                           'inga uppgifter har lämnats vidare. Risken bedöms som osannolik.',
    'misfiled_document': 'Handlingen kunde bara ses av behörig personal i det andra ärendet och flyttades innan den '
                         'lämnats ut. Risken bedöms som osannolik.',
    'other': 'Uppgifterna kom bara till personer med tystnadsplikt och har återlämnats eller tagits bort. '
             'Risken bedöms som osannolik.',
    'protected': 'Uppgiften om vistelseorten omfattas av skyddade personuppgifter och kom till en person barnet '
                 'skyddas från. Hög risk för barnets och den andra vårdnadshavarens säkerhet.',
    'dst': 'Medarbetaren har läst uppgifter om insatser och hälsa om en närstående utan tjänsteskäl; uppgifterna '
           'kan ha spridits i den privata kretsen. Risk för den enskildes integritet.',
}
ACTION_PLAN = {
    'wrong_recipient_document': 'Rutinen för kontroll av mottagare och adress före utskick gås igenom på '
                                'arbetsplatsträff; dubbelkontroll vid utskick av beslut.',
    'wrong_recipient_sms': 'Telefonnummer bekräftas vid varje ny kontakt och kontrolleras i verksamhetssystemet '
                           'innan påminnelser skickas.',
    'lost_document': 'Arbetsmaterial med personuppgifter förvaras i låst skåp och tas inte med i onödan; '
                     'rutinen gås igenom med enhetens medarbetare.',
    'lost_device': 'Okrypterade USB-minnen tas ur bruk; material delas via den säkra filytan.',
    'unauthorised_access': 'Samtal med medarbetaren; påminnelse till enheten om reglerna för åtkomst och om '
                           'loggranskningen; fortsatt månatlig logggranskning.',
    'misfiled_document': 'Personnummer och ärende kontrolleras vid skanning; rutinen gås igenom med enhetens '
                         'administratörer.',
    'other': 'Utskrifter med personuppgifter görs med säker utskrift; listor med personuppgifter sätts inte upp '
             'där besökare kan se dem.',
    'protected': 'Rutinen för ärenden med skyddade personuppgifter skärps: utskick kontrolleras av två '
                 'personer; utbildning för enhetens medarbetare.',
    'printing': 'Felanmälan till leverantören av utskriftstjänsten; stickprovskontroll av sorteringen vid '
                'utskick tills felet åtgärdats.',
    'dst': 'Samtal med medarbetaren och arbetsrättslig bedömning; information till alla medarbetare om '
           'reglerna för åtkomst; loggranskningen utökas.',
}
DATA = {  # unit group -> (data categories, subject categories)
    'unga': ('identity;contact;social_services', 'child;guardian'),
    'vuxna': ('identity;social_services;health', 'service_user'),
    'boende': ('identity;health', 'service_user'),
    'soa': ('identity;financial;social_services', 'service_user'),
    'adm': ('identity;social_services', 'service_user'),
}

LEX_MAJA = [  # (unit, observed local time, recipient, reporter title, summary)
    (BOS, dt.datetime(2022, 9, 14, 10, 20), 'county_board', 'boendestödjare',
     'Vid ett hembesök påträffades en hund som var kraftigt avmagrad och saknade vatten; djurhållaren '
     'ville inte ta emot hjälp.'),
    (BOU2, dt.datetime(2023, 3, 9, 13, 45), 'county_board', 'socialsekreterare',
     'Vid ett hembesök fanns flera katter i en lägenhet med stora mängder avföring och utan mat; familjen '
     'ville inte åtgärda det.'),
    (VS, dt.datetime(2023, 11, 17, 14, 30), 'police', 'behandlare',
     'En katt hade lämnats ensam i bostaden sedan djurhållaren lagts in på sjukhus flera dagar tidigare; '
     'akut situation.'),
    (BOS, dt.datetime(2025, 5, 20, 9, 50), 'county_board', 'boendestödjare',
     'Vid ett hembesök påträffades kaniner i för små burar utan foder och vatten; djurhållaren saknade '
     'förmåga att ordna det.'),
]

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


def to_utc(local):
    return local - dt.timedelta(hours=utc_offset_hours(local))


def prev_working_day(d):
    while not is_working_day(d):
        d -= dt.timedelta(days=1)
    return d


def office_time(rng, d, earliest=None, lo_min=8 * 60, hi_min=16 * 60 + 30):
    lo = lo_min
    if earliest is not None and earliest.date() == d:
        lo = max(lo, earliest.hour * 60 + earliest.minute + 10)
    if lo > hi_min:
        return None
    m = rng.randint(lo, hi_min)
    return dt.datetime.combine(d, dt.time(m // 60, m % 60))


def after_wd(rng, t, n, hi_min=16 * 60 + 30):
    """An office-hours moment n working days after t (n=0: same day if possible), after t."""
    d = next_working_day(t.date(), n)
    m = office_time(rng, d, t, hi_min=hi_min)
    while m is None:
        d = next_working_day(d + dt.timedelta(days=1))
        m = office_time(rng, d, t, hi_min=hi_min)
    return m


def wd_count(a, b):
    """Working days after date a up to and including date b."""
    n, d = 0, a
    while d < b:
        d += dt.timedelta(days=1)
        n += is_working_day(d)
    return n


def any_time(rng, d, lo_h=7, hi_h=22):
    h = rng.randint(lo_h, hi_h)
    return dt.datetime.combine(d, dt.time(h, rng.randint(0, 59)))


def year_deadline(year):
    return dt.datetime.combine(prev_working_day(dt.date(year, 12, 30)), dt.time(15, 30))


def random_day(rng, lo, hi, working=True):
    days = [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
    if working:
        days = [d for d in days if is_working_day(d)]
    weights = [0.4 if d.month == 7 else 1.0 for d in days]
    return rng.choices(days, weights)[0]


def load(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------
# Generation: complaints

def sender_name(rng, sender_type, fixed, used):
    """A fictional name, each person once; organisations and authorities by name."""
    if sender_type == 'anonymous':
        return ''
    if fixed:
        return fixed
    if sender_type == 'organisation':
        return rng.choice(ORGANISATIONS)
    while True:
        name = '%s %s' % (rng.choice(FIRST), rng.choice(LAST))
        if name not in used:
            used.add(name)
            return name


def channel_for(rng, sender_type):
    if sender_type == 'anonymous':
        return rng.choice(['e_service', 'e_service', 'letter'])
    if sender_type in ('organisation', 'authority'):
        return rng.choice(['email', 'email', 'letter'])
    return rng.choices(CHANNELS, [5, 3, 2, 2, 1])[0]


def received_moment(rng, d, channel):
    if channel == 'e_service':
        return any_time(rng, d, 6, 23)
    if channel == 'email':
        return any_time(rng, d, 7, 21)
    if channel == 'letter':
        return office_time(rng, d, lo_min=9 * 60, hi_min=11 * 60 + 30)
    return office_time(rng, d, lo_min=8 * 60 + 30, hi_min=16 * 60)


def registered_after(rng, received):
    """The registry registers the same working day (before 15:00) or within 1-2 working days."""
    d = received.date()
    if is_working_day(d) and received.hour < 15 and rng.random() < 0.6:
        m = office_time(rng, d, received + dt.timedelta(minutes=20), hi_min=16 * 60)
        if m is not None:
            return m
    return after_wd(rng, received, rng.choice([1, 1, 1, 2]) if is_working_day(d) else 0, hi_min=16 * 60)


def answered_by(kind, unit):
    """The function that answered (no names)."""
    if not unit:
        return 'socialchef' if kind == 'complaint' else 'kvalitetsutvecklare'
    if unit.startswith('Avdelning'):
        return 'avdelningschef'
    return 'enhetschef'


def candidates(slot):
    cands = [t for t in TEMPLATES if template_fits(t, slot['kind'], slot['unit'])
             and all(subject_valid(c, slot['year']) for c in t['subjects'])]
    if not cands:
        raise RuntimeError('no template for %r' % slot)
    return cands


def pick_templates(rng, slots):
    """Templates for the non-special slots: random, then a local search (deterministic) until
    the published ranking of subjects holds; a template is used at most once a year where
    the unit allows it."""
    free = [s for s in slots if not s['special']]
    for s in free:
        s['template'] = rng.choice(candidates(s))
        s['subjects'] = list(s['template']['subjects'])

    def cost():
        dup = 0
        seen = set()
        for s in free:
            k = (s['year'], s['template']['id'])
            dup += k in seen
            seen.add(k)
        return ranking_penalty(slots) * 10 + dup

    c = cost()
    for step in range(20000):
        if c == 0:
            return
        s = rng.choice(free)
        old = s['template']
        s['template'] = rng.choice(candidates(s))
        s['subjects'] = list(s['template']['subjects'])
        n = cost()
        if n <= c:
            c = n
        else:
            s['template'], s['subjects'] = old, list(old['subjects'])
    if ranking_penalty(slots):
        raise RuntimeError('no subject assignment with the published ranking')


def subject_valid(code, year_or_date):
    d = year_or_date if isinstance(year_or_date, dt.date) else dt.date(year_or_date, 6, 30)
    for c, _, _, a, b in SUBJECTS:
        if c == code:
            return dt.date.fromisoformat(a) <= d <= (dt.date.fromisoformat(b) if b else dt.date(9999, 12, 31))
    return False


def ranking_penalty(slots):
    """0 when the four published subjects are the most common, in their order, each strictly
    above the next, in 2024, in 2025 and over 2022-2025."""
    pen = 0
    for years in ((2024,), (2025,), (2022, 2023, 2024, 2025)):
        counts = {}
        for s in slots:
            if s['year'] in years:
                for c in s['subjects']:
                    counts[c] = counts.get(c, 0) + 1
        chain = [counts.get(c, 0) for c in TOP_SUBJECTS]
        chain.append(max([n for c, n in counts.items() if c not in TOP_SUBJECTS] or [0]))
        pen += sum(max(0, b - a + 1) for a, b in zip(chain, chain[1:]))
    return pen


def generate_complaints(rng, devs, lsr):
    slots = []
    for year, plan in PLAN.items():
        for kind, unit, policy, special in plan:
            sp = SPECIAL.get(special) if special else None
            slots.append(dict(year=year, kind=kind, unit=unit, policy=policy, special=sp, tag=special,
                              subjects=list(sp['subjects']) if sp else []))
    pick_templates(rng, slots)

    rows, used_names = [], set()
    for s in slots:
        year, kind, unit, sp, tag = s['year'], s['kind'], s['unit'], s['special'], s['tag']
        r = dict(kind=kind, unit=unit, subjects=s['subjects'], policy=s['policy'], year=year,
                 deviation_ref='', lex_sarah_ref='')
        if sp:
            r.update(sender_type=sp['sender'], channel=sp['channel'], received=sp['received'],
                     registered=sp['registered'], summary=sp['summary'], answer=sp['answer'])
            if tag.startswith('dev_'):
                r['deviation_ref'] = tag[4:]
            if sp.get('lex_sarah'):
                r['lex_sarah_ref'] = sp['lex_sarah']
        else:
            t = s['template']
            r.update(sender_type=t['sender'], summary=t['summary'], answer=t['answer'],
                     fixed_name=t['sender_name'])
            r['channel'] = channel_for(rng, r['sender_type'])
            if tag == 'new_year':
                # Sent through the e-service on 28 December, registered after New Year: 2024.
                r['channel'] = 'e_service'
                r['received'] = dt.datetime(2023, 12, 28, 22, 41)
                r['registered'] = dt.datetime(2024, 1, 2, 10, 20)
            else:
                if tag == 'december':
                    lo, hi = dt.date(year, 12, 2), dt.date(year, 12, 13)
                elif tag == 'christmas':
                    lo = hi = dt.date(year, 12, 22)
                elif s['policy'] == 'after':
                    lo, hi = dt.date(year, 3, 1), dt.date(year, 11, 15)
                elif year == 2025:
                    lo, hi = dt.date(year, 1, 7), dt.date(year, 11, 28)
                else:
                    lo, hi = dt.date(year, 1, 7), dt.date(year, 12, 6)
                while True:
                    d = random_day(rng, lo, hi, working=r['channel'] not in ('e_service', 'email'))
                    if not unit or unit_valid(unit, d):
                        break
                r['received'] = received_moment(rng, d, r['channel'])
                r['registered'] = registered_after(rng, r['received'])
                if tag == 'christmas':
                    r['registered'] = dt.datetime(2025, 12, 22, 14, 35)
        r['sender_name'] = sender_name(rng, r['sender_type'], r.get('fixed_name'), used_names)
        rows.append(r)

    # Handling, answer and closure.
    for r in rows:
        reg = r['registered']
        r['handling'] = after_wd(rng, reg, rng.choice([0, 0, 1, 1, 2]))
        if r['lex_sarah_ref']:          # the unit manager reported under lex Sarah while handling it
            r['handling'] = after_wd(rng, reg, 0)
        fu = dt.datetime.combine(FOLLOW_UP[r['year']], dt.time(23, 59))
        if r['policy'] == 'missing' or r['answer'] is None:
            r['answered'] = r['closed'] = None
            continue
        if r['policy'] == 'after':
            # answered only after the follow-up date of the yearly report
            d = random_day(rng, FOLLOW_UP[r['year']] + dt.timedelta(days=3),
                           FOLLOW_UP[r['year']] + dt.timedelta(days=75))
            r['answered'] = office_time(rng, d)
            r['answer'] = ('Dokumenterat' if r['sender_type'] == 'anonymous' else 'Besvarat') + \
                ' efter påminnelse vid uppföljningen. ' + r['answer']
        else:
            n = rng.choice([2, 3, 4, 5, 5, 6, 7, 8, 9, 10, 12, 15])
            ans = after_wd(rng, r['handling'], max(1, n - wd_count(reg.date(), r['handling'].date())))
            cap = year_deadline(2025) if r['year'] == 2025 else fu - dt.timedelta(days=7)
            if ans > cap:
                ans = after_wd(rng, r['handling'], 1)
            if ans > cap:
                raise RuntimeError('no answer before %s for %r' % (cap, r))
            r['answered'] = ans
        r['answered_by'] = answered_by(r['kind'], r['unit'])
        closed = after_wd(rng, r['answered'], rng.choice([0, 0, 1, 2, 3]))
        r['closed'] = closed if closed <= END_OF_DATA else None
    # The answer of a complaint that led to lex Sarah: after the report was made.
    ls = {x['ref']: x for x in lsr}
    for r in rows:
        if r['lex_sarah_ref'] and r['answered']:
            t = parse(ls[r['lex_sarah_ref']]['reported_at'])
            if r['answered'] <= t:
                r['answered'] = after_wd(rng, t, rng.randint(2, 6))
                r['closed'] = after_wd(rng, r['answered'], 1)

    rows.sort(key=lambda r: (r['registered'], r['unit']))
    seq = {}
    for r in rows:
        y = r['registered'].year
        seq[y] = seq.get(y, 0) + 1
        r['ref'] = 'SK-%d-%03d' % (y, seq[y])
    return rows


# --------------------------------------------------------------------------
# Generation: personal data incidents

def incident_text(rng, itype, unit, used):
    g = GROUP[unit]
    for key in ((itype, 'FH' if unit == FH else g), (itype, g), (itype, 'any')):
        if key in INCIDENT_TEXT:
            opts = [t for t in INCIDENT_TEXT[key] if t not in used] or INCIDENT_TEXT[key]
            return rng.choice(opts)
    raise KeyError((itype, unit))


def generate_incidents(rng, devs):
    rows, used = [], set()
    for year, plan in INCIDENT_PLAN.items():
        for unit, itype, cause, risk, special in plan:
            r = dict(unit=unit, type=itype, cause=cause, risk=risk, special=special or '', deviation_ref='',
                     recovered=None, imy=None, imy_ref='', imy_late='', informed=None, exception='')
            key = special if special in INCIDENT_SPECIAL_TEXT else None
            r['description'] = INCIDENT_SPECIAL_TEXT[key] if key else incident_text(rng, itype, unit, used)
            used.add(r['description'])
            if special and special.startswith('dev_'):
                d = devs[special[4:]]
                r['deviation_ref'] = special[4:]
                r['happened'] = parse(d['happened_at'])
                r['aware'] = parse(d['reported_at'])      # forwarded: aware when the deviation was reported
            elif special == 'new_year':
                r['happened'] = dt.datetime(2023, 12, 28, 14, 10)
                r['aware'] = dt.datetime(2024, 1, 2, 9, 25)
            elif special == 'dst':
                # Aware on Friday before the end of summer time; notified on Monday 08:30 CET:
                # 71.5 real hours (70.5 by the wall clock) -- on time.
                r['happened'] = dt.datetime(2023, 10, 4, 13, 20)
                r['aware'] = dt.datetime(2023, 10, 27, 10, 0)
            elif special == 'december':
                r['happened'] = dt.datetime(2025, 12, 11, 11, 5)
                r['aware'] = dt.datetime(2025, 12, 11, 14, 40)
            else:
                lo = dt.date(year, 1, 9)
                hi = dt.date(year, 11, 28) if year == 2025 else dt.date(year, 12, 12)
                while True:
                    d = random_day(rng, lo, hi)
                    if unit_valid(unit, d):
                        break
                h = office_time(rng, d)
                if itype == 'wrong_recipient_sms':
                    lag = dt.timedelta(minutes=rng.randint(20, 600))
                elif itype in ('lost_document', 'lost_device'):
                    # missed when back at the office the same day
                    lag = dt.timedelta(minutes=rng.randint(20, max(21, 16 * 60 + 45 - h.hour * 60 - h.minute)))
                elif itype == 'unauthorised_access':
                    lag = dt.timedelta(days=rng.randint(10, 30))
                else:
                    lag = dt.timedelta(hours=rng.randint(3, 100))
                aware = h + lag
                if not is_working_day(aware.date()) or not 8 <= aware.hour < 17:
                    aware = after_wd(rng, aware, 0)
                r['happened'], r['aware'] = h, aware
            if r['aware'].year != year:
                raise RuntimeError('incident aware outside its year: %r' % r)
            a = r['aware']
            r['registered'] = (a + dt.timedelta(minutes=rng.randint(25, 120))
                               if is_working_day(a.date()) and a.hour < 14 else after_wd(rng, a, 1))
            if special == 'dst':
                r['registered'] = dt.datetime(2023, 10, 27, 11, 15)
            if itype in ('lost_document', 'lost_device'):
                # found again: as many working days later as the description says
                text = r['description']
                n = 5 if 'fem arbetsdagar' in text else 3 if 'tre arbetsdagar' in text else \
                    2 if 'två arbetsdagar' in text else 1
                r['recovered'] = after_wd(rng, dt.datetime.combine(r['happened'].date(), dt.time(7)), n)
            # Assessment within 1-2 working days of registration (inside the 72 hours).
            r['assessed'] = after_wd(rng, r['registered'], rng.choice([0, 1, 1, 2]) if risk == 'unlikely' else 0)
            if special == 'dst':
                r['assessed'] = dt.datetime(2023, 10, 27, 15, 40)
            if r['recovered'] and r['assessed'] < r['recovered']:
                r['assessed'] = after_wd(rng, r['recovered'], 0)
            g = GROUP[unit]
            r['data_categories'], r['subject_categories'] = DATA[g]
            if special == 'protected':
                r['data_categories'] = 'identity;contact;social_services;protected_identity'
            r['subjects_count'] = rng.choice([1, 1, 1, 2, 2, 3]) if g == 'unga' else 1
            if itype == 'wrong_recipient_sms':
                r['data_categories'] = 'identity;contact'
            if itype == 'lost_device':
                r['data_categories'], r['subject_categories'] = 'identity;contact', 'service_user'
                r['subjects_count'] = 14
            if itype == 'lost_document':
                r['subjects_count'] = rng.randint(4, 12)
            if special == 'printing':
                r['subjects_count'] = 2
            r['justification'] = JUSTIFICATION.get(special, JUSTIFICATION[itype])
            r['assessed_by'] = 'dataskyddssamordnare'
            if risk != 'unlikely':
                if special == 'dst':
                    r['imy'] = dt.datetime(2023, 10, 30, 8, 30)
                else:
                    r['imy'] = after_wd(rng, r['assessed'], 0)
                r['imy_ref'] = 'IMY-%d-%04d' % (r['imy'].year, rng.randint(3000, 9999))
            if risk == 'high':
                r['informed'] = after_wd(rng, r['imy'], 1)
            plan_key = special if special in ACTION_PLAN else itype
            r['action_plan'] = ACTION_PLAN[plan_key]
            r['responsible'] = 'enhetschef' if unit != ADM else 'avdelningschef'
            if cause == 'technical':
                r['responsible'] = 'systemförvaltare'
            last = max(t for t in (r['assessed'], r['imy'], r['informed']) if t)
            r['plan_at'] = after_wd(rng, last, rng.randint(1, 8))
            closed = after_wd(rng, r['plan_at'], rng.randint(10, 35))
            r['closed'] = None if special == 'december' or closed > END_OF_DATA else closed
            rows.append(r)
    rows.sort(key=lambda r: (r['aware'], r['unit']))
    seq = {}
    for r in rows:
        y = r['aware'].year
        seq[y] = seq.get(y, 0) + 1
        r['ref'] = 'PUI-%d-%02d' % (y, seq[y])
    return rows


def generate_lex_maja(rng):
    rows = []
    for unit, observed, recipient, title, summary in LEX_MAJA:
        reg = after_wd(rng, observed, 0) if recipient != 'police' else observed + dt.timedelta(minutes=55)
        sent = reg + dt.timedelta(minutes=rng.randint(20, 90)) if recipient == 'police' \
            else after_wd(rng, reg, rng.choice([0, 1]))
        rows.append(dict(unit=unit, observed=observed, registered=reg, recipient=recipient, sent=sent,
                         closed=after_wd(rng, sent, rng.randint(3, 12)), title=title, summary=summary))
    seq = {}
    for r in rows:
        y = r['registered'].year
        seq[y] = seq.get(y, 0) + 1
        r['ref'] = 'LM-%d-%02d' % (y, seq[y])
    return rows


# --------------------------------------------------------------------------
# Registry numbers: one series per year for the whole organisation ("2024.130 SN"), in order of
# registration, continuing between the numbers the IVO notifications already hold.

def number_registry(rng, matters, lsi):
    taken = [(parse(i['ivo_notified_at']), i['ivo_regnr']) for i in lsi if i['ivo_regnr']]
    events = sorted([(t, 'ivo', n) for t, n in taken] + [(m['registered'], 'own', m) for m in matters],
                    key=lambda e: e[0])
    fixed = {}
    for t, n in taken:
        y, k = int(n[:4]), int(n[5:8])
        fixed.setdefault(y, []).append((t, k))
    last = {}
    for t, what, x in events:
        y = t.year
        if what == 'ivo':
            last[y] = int(x[5:8])
            continue
        nxt = min([k for (tt, k) in fixed.get(y, []) if tt > t] or [1000])
        lo, hi = last.get(y, 0) + 1, nxt - 1
        target = int(t.timetuple().tm_yday * 1.6) - rng.randint(0, 8)
        if lo > hi:
            raise RuntimeError('no free registry number for %r at %s' % (x.get('ref'), t))
        n = min(max(target, lo), hi)
        last[y] = n
        x['registry_number'] = '%d.%03d SN' % (y, n)


# --------------------------------------------------------------------------

def generate():
    rng = random.Random(SEED)
    devs = {d['ref']: d for d in load(DEV_PATH)}
    lsr, lsi = load(LSR_PATH), load(LSI_PATH)
    complaints = generate_complaints(rng, devs, lsr)
    incidents = generate_incidents(rng, devs)
    maja = generate_lex_maja(rng)
    number_registry(rng, complaints + incidents + maja, lsi)
    return complaints, incidents, maja


def write(complaints, incidents, maja):
    def out(path, header, rows):
        with open(path, 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(header)
            w.writerows(rows)
    out(SUBJECTS_PATH, TAXONOMY_COLUMNS, SUBJECTS)
    out(TYPES_PATH, TAXONOMY_COLUMNS, INCIDENT_TYPES)
    out(COMPLAINTS_PATH, COMPLAINT_COLUMNS, [
        [r['ref'], r['registry_number'], r['kind'], r['sender_type'], r['sender_name'], r['channel'], r['unit'],
         ';'.join(r['subjects']), fmt(r['received']), fmt(r['registered']), fmt(r['handling']), r['summary'],
         fmt(r['answered']), r.get('answered_by', '') if r['answered'] else '',
         r['answer'] if r['answered'] else '', fmt(r['closed']), r['deviation_ref'], r['lex_sarah_ref']]
        for r in complaints])
    out(INCIDENTS_PATH, INCIDENT_COLUMNS, [
        [r['ref'], r['registry_number'], r['unit'], r['type'], r['cause'], fmt(r['happened']), fmt(r['aware']),
         fmt(r['registered']), r['description'], r['data_categories'], r['subject_categories'],
         r['subjects_count'], fmt(r['recovered']), fmt(r['assessed']), r['risk'], r['justification'],
         r['assessed_by'], fmt(r['imy']), r['imy_ref'], r['imy_late'], fmt(r['informed']), r['exception'],
         fmt(r['plan_at']), r['responsible'], r['action_plan'], fmt(r['closed']), r['deviation_ref']]
        for r in incidents])
    out(LEX_MAJA_PATH, LEX_MAJA_COLUMNS, [
        [r['ref'], r['registry_number'], r['unit'], fmt(r['observed']), fmt(r['registered']), r['recipient'],
         LEX_MAJA_RECIPIENTS[r['recipient']], fmt(r['sent']), fmt(r['closed']), r['summary'], r['title']]
        for r in maja])


# --------------------------------------------------------------------------
# --check: recompute every published figure from the CSVs

def taxonomy(path):
    out = {}
    for r in load(path):
        out[r['code']] = (dt.date.fromisoformat(r['valid_from']),
                          dt.date.fromisoformat(r['valid_until']) if r['valid_until'] else dt.date(9999, 12, 31),
                          r['label_sv'], r['label_en'])
    return out


def check():
    subjects, itypes = taxonomy(SUBJECTS_PATH), taxonomy(TYPES_PATH)
    cs, incs, lms = load(COMPLAINTS_PATH), load(INCIDENTS_PATH), load(LEX_MAJA_PATH)
    devs = {d['ref']: d for d in load(DEV_PATH)}
    lsr, lsi = {r['ref']: r for r in load(LSR_PATH)}, load(LSI_PATH)
    for r in cs:
        for k in ('received_at', 'registered_at', 'handling_started_at', 'answered_at', 'closed_at'):
            r[k] = parse(r[k])
        r['year'] = r['registered_at'].year
        r['subjects'] = r['subjects'].split(';')
    for r in incs:
        for k in ('happened_at', 'aware_at', 'registered_at', 'recovered_at', 'assessed_at', 'imy_notified_at',
                  'people_informed_at', 'action_plan_at', 'closed_at'):
            r[k] = parse(r[k])
        r['year'] = r['aware_at'].year
    for r in lms:
        for k in ('observed_at', 'registered_at', 'sent_at', 'closed_at'):
            r[k] = parse(r[k])
        r['year'] = r['registered_at'].year
    out, bad, probs = [], [], []

    def line(fig, published, ours):
        ok = str(published) == str(ours)
        if not ok:
            bad.append(fig)
        out.append('| %s | %s | %s | %s |' % (fig, published, ours, 'ok' if ok else '**MISMATCH**'))

    def of(rows, y, **kw):
        return [r for r in rows if r['year'] == y and all(r[k] == v for k, v in kw.items())]

    def answered_by_date(rows, when):
        return sum(1 for r in rows if r['answered_at'] and r['answered_at'] <= when)

    out += ['# Complaints, incidents and lex Maja demo data: published figures vs. the CSVs', '',
            'Generated by `python3 make_registered_matters.py --check` (recomputed from complaints.csv,',
            'incidents.csv, lex_maja.csv and their taxonomies; years in Europe/Stockholm). A complaint or',
            'feedback item counts in the year of registered_at, an incident in the year of aware_at, a lex',
            'Maja report in the year of registered_at. "Answered" counts answers dated on or before the',
            'follow-up date: the last working day of January after the year (2024 report: 2025-01-31).',
            '"Barn och unga" = Barn och unga 1 + Barn och unga 2; the split is shown in parentheses.', '',
            '| figure | published | data | |', '|---|---|---|---|']
    # ---- complaints and feedback
    for y, n in ((2022, 6), (2023, 18), (2024, 20), (2025, 27)):
        line('complaints and feedback %d' % y, n, len(of(cs, y)))
    c24, f24 = of(cs, 2024, kind='complaint'), of(cs, 2024, kind='feedback')
    line('2024 complaints / feedback', '11 / 9', '%d / %d' % (len(c24), len(f24)))
    line('2024 praise / improvement proposals (none published separately)', '0 / 0',
         '%d / %d' % (len(of(cs, 2024, kind='praise')), len(of(cs, 2024, kind='improvement_proposal'))))
    pub_c = {'Barn och unga': 5, VUXNA: 3, SOF: 1, FS: 1, FH: 1}
    for u, n in pub_c.items():
        units = BOU if u == 'Barn och unga' else (u,)
        ours = sum(r['unit'] in units for r in c24)
        split = ' (%s)' % ' + '.join('%s %d' % (x, sum(r['unit'] == x for r in c24)) for x in BOU) \
            if u == 'Barn och unga' else ''
        line('2024 complaints: %s%s' % (u, split), n, ours)
    line('2024 complaints: other units', 'none',
         ', '.join(sorted({r['unit'] or 'not directed' for r in c24} - set(BOU) - set(pub_c))) or 'none')
    pub_f = {VUXNA: 1, SOF: 1, '': 7}
    for u, n in pub_f.items():
        line('2024 feedback: %s' % (u or 'not directed at a unit'), n, sum(r['unit'] == u for r in f24))
    line('2024 feedback: other units', 'none',
         ', '.join(sorted({r['unit'] for r in f24} - set(pub_f))) or 'none')
    fu24 = dt.datetime.combine(FOLLOW_UP[2024], dt.time(23, 59, 59))
    line('2024 complaints answered at the follow-up 2025-01-31', '7 of 11',
         '%d of %d' % (answered_by_date(c24, fu24), len(c24)))
    line('2024 feedback answered at the follow-up 2025-01-31', '5 of 9',
         '%d of %d' % (answered_by_date(f24, fu24), len(f24)))
    later = [r for r in c24 + f24 if r['answered_at'] and r['answered_at'] > fu24]
    line('… the other 8 answered later (Feb–Apr 2025)', 8,
         sum(1 for r in later if dt.date(2025, 2, 1) <= r['answered_at'].date() <= dt.date(2025, 4, 30)))
    a25 = of(cs, 2025)
    fu25 = dt.datetime.combine(FOLLOW_UP[2025], dt.time(23, 59, 59))
    line('2025 without a registered answer (at 2025-12-31 = at the follow-up 2026-01-30)', '2 of 27',
         '%d of %d' % (sum(1 for r in a25 if not (r['answered_at'] and r['answered_at'] <= fu25)), len(a25)))
    for y, pub in ((2022, '(6 of 6, not published)'), (2023, '(16 of 18, not published)')):
        fu = dt.datetime.combine(FOLLOW_UP[y], dt.time(23, 59, 59))
        ours = '(%d of %d, not published)' % (answered_by_date(of(cs, y), fu), len(of(cs, y)))
        line('%d answered at the follow-up %s' % (y, FOLLOW_UP[y]), pub, ours)

    def ranking(years):
        n = {}
        for r in cs:
            if r['year'] in years:
                for c in r['subjects']:
                    n[c] = n.get(c, 0) + 1
        top = sorted(n.items(), key=lambda x: (-x[1], x[0]))
        strict = all(top[i][1] > top[i + 1][1] for i in range(4))
        return ', '.join(subjects[c][3].lower() for c, _ in top[:4]) + ('' if strict else ' (tie)'), top
    want = ', '.join(subjects[c][3].lower() for c in TOP_SUBJECTS)
    for years, label in (((2024,), '2024'), ((2025,), '2025'), ((2022, 2023, 2024, 2025), '2022–2025')):
        line('most common subjects %s (in order, each above the next)' % label, want, ranking(years)[0])
    # ---- incidents
    for y, n in ((2022, 3), (2023, 12), (2024, 9), (2025, 11)):
        line('personal data incidents %d' % y, n, len(of(incs, y)))
    i24 = of(incs, 2024)
    for u, n in (('Barn och unga', 5), (SOF, 1), (FH, 1), (AM, 1), (BS, 1)):
        units = BOU if u == 'Barn och unga' else (u,)
        split = ' (%s)' % ' + '.join('%s %d' % (x, sum(r['unit'] == x for r in i24)) for x in BOU) \
            if u == 'Barn och unga' else ''
        line('2024 incidents: %s%s' % (u, split), n, sum(r['unit'] in units for r in i24))
    line('2024 incidents: other units', 'none',
         ', '.join(sorted({r['unit'] for r in i24} - set(BOU) - {SOF, FH, AM, BS})) or 'none')
    for y in (2024, 2025):
        iy = of(incs, y)
        line('%d incidents: cause human error' % y, '%d of %d' % (len(iy), len(iy)),
             '%d of %d' % (sum(r['cause'] == 'human_error' for r in iy), len(iy)))
        line('%d incidents: notified to IMY' % y, 0, sum(1 for r in iy if r['imy_notified_at']))
        line('%d incidents: risk assessed "unlikely"' % y, '%d of %d' % (len(iy), len(iy)),
             '%d of %d' % (sum(r['risk'] == 'unlikely' for r in iy), len(iy)))
        line('%d incidents: action plan registered' % y, '%d of %d' % (len(iy), len(iy)),
             '%d of %d' % (sum(1 for r in iy if r['action_plan_at'] and r['action_plan']), len(iy)))
    for y in (2022, 2023):
        iy = of(incs, y)
        line('%d incidents: action plan registered' % y, '(%d of %d, not published)' % (len(iy), len(iy)),
             '(%d of %d, not published)' % (sum(1 for r in iy if r['action_plan_at'] and r['action_plan']), len(iy)))
    types24 = {}
    for r in i24:
        types24[r['type']] = types24.get(r['type'], 0) + 1
    line('2024 typical: documents or text messages to the wrong recipient', 'yes',
         'yes' if types24.get('wrong_recipient_document') and types24.get('wrong_recipient_sms') else 'no')
    for t, label in (('lost_document', 'a lost folder, later found'), ('lost_device', 'a lost USB stick, later found')):
        rs = [r for r in i24 if r['type'] == t]
        line('2024: %s' % label, 'yes', 'yes' if len(rs) == 1 and rs[0]['recovered_at'] else 'no (%d)' % len(rs))
    # ---- lex Maja
    line('lex Maja reports 2024', 0, len(of(lms, 2024)))

    # ---- consistency of the data
    def chk(cond, msg):
        if not cond:
            probs.append(msg)
    regnr_re = re.compile(r'^(\d{4})\.(\d{3}) SN$')
    allnr = [(r['registry_number'], r['registered_at'], r['ref']) for r in cs + incs + lms] + \
            [(i['ivo_regnr'], parse(i['ivo_notified_at']), i['ref']) for i in lsi if i['ivo_regnr']]
    nrs = [n for n, _, _ in allnr]
    chk(len(set(nrs)) == len(nrs), 'registry numbers not unique across the organisation')
    for n, t, ref in allnr:
        m = regnr_re.match(n)
        chk(m and int(m.group(1)) == t.year, '%s: registry number %s (format, year of registration)' % (ref, n))
    seq = sorted(allnr, key=lambda x: x[1])
    for (n1, t1, r1), (n2, t2, r2) in zip(seq, seq[1:]):
        if t1.year == t2.year:
            chk(n1 < n2, 'registry numbers out of registration order: %s %s, %s %s' % (r1, n1, r2, n2))
    for rows, name in ((cs, 'complaints'), (incs, 'incidents'), (lms, 'lex Maja')):
        refs = [r['ref'] for r in rows]
        chk(len(set(refs)) == len(refs), 'duplicate refs in %s' % name)
    pnr = re.compile(r'\d{6,8}[-+]?\d{4}')
    linked_ls = []
    for r in cs:
        p = r['ref']
        chk(r['kind'] in KINDS and r['sender_type'] in SENDER_TYPES and r['channel'] in CHANNELS, '%s: enum' % p)
        chk((r['sender_type'] == 'anonymous') == (r['sender_name'] == ''), '%s: sender name iff not anonymous' % p)
        chk(not r['answered_at'] or wd_count(r['handling_started_at'].date(), r['answered_at'].date()) >= 1,
            '%s: answered the day handling started' % p)
        chk(not r['unit'] or (r['unit'] in UNITS and unit_valid(r['unit'], r['registered_at'].date())),
            '%s: unit %s not valid then' % (p, r['unit']))
        for c in r['subjects']:
            chk(c in subjects and subjects[c][0] <= r['registered_at'].date() <= subjects[c][1],
                '%s: subject %s not valid on the registration date' % (p, c))
        chk(len(set(r['subjects'])) == len(r['subjects']) >= 1, '%s: subjects' % p)
        chk(r['ref'][3:7] == str(r['year']), '%s: ref year' % p)
        seq_t = [r['received_at'], r['registered_at'], r['handling_started_at'], r['answered_at'], r['closed_at']]
        present = [t for t in seq_t if t]
        chk(present == sorted(present) and r['received_at'] < r['registered_at'], '%s: timeline order' % p)
        chk(all(t <= END_OF_DATA for t in present), '%s: timestamp after end of data' % p)
        chk(bool(r['answered_at']) == bool(r['answered_by']) == bool(r['answer_text']), '%s: answer fields' % p)
        chk(not r['closed_at'] or r['answered_at'], '%s: closed without a registered answer' % p)
        for t in (r['registered_at'], r['handling_started_at'], r['answered_at']):
            chk(not t or (is_working_day(t.date()) and 8 <= t.hour < 17), '%s: office act outside working hours' % p)
        chk(not pnr.search(r['summary'] + r['answer_text'] + r['sender_name']), '%s: looks like a personal number' % p)
        if r['deviation_ref']:
            d = devs.get(r['deviation_ref'])
            chk(d and d['unit'] == r['unit'] and parse(d['happened_at']) <= r['received_at']
                and r['registered_at'] <= parse(d['reported_at'])
                and (not r['answered_at'] or parse(d['reported_at']) <= r['answered_at']),
                '%s: deviation %s (unit, happened <= received, registered <= reported <= answered)'
                % (p, r['deviation_ref']))
        if r['lex_sarah_ref']:
            ls = lsr.get(r['lex_sarah_ref'])
            linked_ls.append(r['lex_sarah_ref'])
            chk(ls and ls['source'] == 'complaint' and ls['unit'] == r['unit']
                and r['handling_started_at'] <= parse(ls['reported_at'])
                and (not r['answered_at'] or parse(ls['reported_at']) <= r['answered_at']),
                '%s: lex Sarah report %s (source complaint, unit, handling <= reported <= answered)'
                % (p, r['lex_sarah_ref']))
    from_complaint = sorted(x for x, v in lsr.items() if v['source'] == 'complaint')
    chk(sorted(linked_ls) == from_complaint, 'lex Sarah reports from complaints %s vs. complaints linked %s'
        % (from_complaint, sorted(linked_ls)))
    for r in incs:
        p = r['ref']
        chk(r['type'] in itypes and itypes[r['type']][0] <= r['aware_at'].date() <= itypes[r['type']][1],
            '%s: type %s not valid on the awareness date' % (p, r['type']))
        chk(r['cause'] in CAUSES and r['risk'] in RISKS, '%s: cause/risk' % p)
        chk(r['unit'] in UNITS and unit_valid(r['unit'], r['aware_at'].date()), '%s: unit not valid then' % p)
        chk(all(c in DATA_CATEGORIES for c in r['data_categories'].split(';'))
            and all(c in SUBJECT_CATEGORIES for c in r['data_subject_categories'].split(';'))
            and int(r['data_subjects_count']) >= 1, '%s: data categories/counts' % p)
        chk(r['ref'][4:8] == str(r['year']), '%s: ref year' % p)
        chain = [r['happened_at'], r['aware_at'], r['registered_at'], r['assessed_at'], r['action_plan_at']]
        chk(chain == sorted(chain), '%s: happened <= aware <= registered <= assessed <= action plan' % p)
        chk(not r['closed_at'] or r['closed_at'] >= r['action_plan_at'], '%s: closed before action plan' % p)
        chk(not r['closed_at'] or (r['action_plan'] and r['action_plan_responsible']),
            '%s: closed without an action plan' % p)
        chk(not r['recovered_at'] or r['aware_at'] < r['recovered_at'] <= r['assessed_at'],
            '%s: recovered between aware and assessed' % p)
        chk(bool(r['recovered_at']) <= (r['type'] in ('lost_document', 'lost_device')), '%s: recovered' % p)
        notified = bool(r['imy_notified_at'])
        chk(notified == (r['risk'] != 'unlikely') and notified == bool(r['imy_reference']),
            '%s: IMY notification iff risk is not "unlikely"' % p)
        if notified:
            hours = (to_utc(r['imy_notified_at']) - to_utc(r['aware_at'])).total_seconds() / 3600
            chk(r['imy_notified_at'] >= r['assessed_at'], '%s: notified before the assessment' % p)
            chk(hours <= 72 or r['imy_late_reason'], '%s: IMY notified after %.1f h without reasons' % (p, hours))
        chk(r['risk'] != 'high' or r['people_informed_at'] or r['informing_exception'],
            '%s: high risk without informing the people concerned or an exception' % p)
        chk(all(t <= END_OF_DATA for t in chain + [r['closed_at'], r['imy_notified_at']] if t),
            '%s: timestamp after end of data' % p)
        chk(not pnr.search(r['description'] + r['risk_justification'] + r['action_plan']),
            '%s: looks like a personal number' % p)
        if r['deviation_ref']:
            d = devs.get(r['deviation_ref'])
            chk(d and d['unit'] == r['unit'] and parse(d['reported_at']) == r['aware_at'],
                '%s: deviation %s (unit, aware = the deviation\'s report time)' % (p, r['deviation_ref']))
    for r in lms:
        p = r['ref']
        chk(r['unit'] in UNITS and unit_valid(r['unit'], r['registered_at'].date()), '%s: unit' % p)
        chk(r['recipient'] in LEX_MAJA_RECIPIENTS and r['recipient_name'] == LEX_MAJA_RECIPIENTS[r['recipient']],
            '%s: recipient' % p)
        chk(r['observed_at'] <= r['registered_at'] <= r['sent_at'] <= r['closed_at'] <= END_OF_DATA,
            '%s: observed <= registered <= sent <= closed' % p)

    # ---- other properties
    def within_routine(rows):
        return sum(1 for r in rows if r['answered_at'] and
                   wd_count(r['registered_at'].date(), r['answered_at'].date()) <= ROUTINE_ANSWER_WD)
    kinds = lambda y: ', '.join('%s %d' % (k, len(of(cs, y, kind=k))) for k in KINDS if of(cs, y, kind=k))
    imy = [r for r in incs if r['imy_notified_at']]
    out += ['', 'Other properties of the data:', '',
            '- Complaints and feedback by kind: %s.' % '; '.join('%d: %s' % (y, kinds(y))
                                                                  for y in (2022, 2023, 2024, 2025)),
            '- Answered within the routine target (%d working days of registration): %s.' % (
                ROUTINE_ANSWER_WD, ', '.join('%d: %d of %d' % (y, within_routine(of(cs, y)), len(of(cs, y)))
                                             for y in (2022, 2023, 2024, 2025))),
            '- Linked: %s.' % '; '.join('%s → %s' % (r['ref'], r['deviation_ref'] or r['lex_sarah_ref'])
                                        for r in cs if r['deviation_ref'] or r['lex_sarah_ref']),
            '- Registered across New Year: %s.' % ', '.join(
                '%s received %s, registered %s' % (r['ref'], r['received_at'].date(), r['registered_at'].date())
                for r in cs if r['received_at'].year != r['registered_at'].year),
            '- 2025 without an answer at 2025-12-31: %s.' % ', '.join(
                '%s (%s, %s, registered %s)' % (r['ref'], r['kind'], r['unit'] or 'not directed',
                                                r['registered_at'].date()) for r in a25 if not r['answered_at']),
            '- Subjects 2022–2025 (per year 2022/2023/2024/2025): %s.' % ', '.join(
                '%s %d (%s)' % (c, n, '/'.join(str(sum(c in r['subjects'] for r in of(cs, y)))
                                               for y in (2022, 2023, 2024, 2025)))
                for c, n in ranking((2022, 2023, 2024, 2025))[1]),
            '- Incidents by type and year: %s.' % '; '.join('%d: %s' % (y, ', '.join(
                '%s %d' % (c, n) for c, n in sorted(
                    {t: sum(r['type'] == t for r in of(incs, y)) for t in itypes}.items(), key=lambda x: (-x[1], x[0]))
                if n)) for y in (2022, 2023, 2024, 2025)),
            '- Incidents by cause: %s.' % ', '.join('%s %d' % (c, sum(r['cause'] == c for r in incs))
                                                   for c in CAUSES if any(r['cause'] == c for r in incs)),
            '- Incidents notified to IMY (all in 2023): %s.' % '; '.join(
                '%s (risk %s), %.1f real hours after awareness%s' % (
                    r['ref'], r['risk'], (to_utc(r['imy_notified_at']) - to_utc(r['aware_at'])).total_seconds() / 3600,
                    ', people informed %s' % r['people_informed_at'].date() if r['people_informed_at'] else '')
                for r in imy),
            '- Incidents aware in another year than they happened: %s.' % ', '.join(
                '%s happened %s, aware %s' % (r['ref'], r['happened_at'].date(), r['aware_at'].date())
                for r in incs if r['happened_at'].year != r['aware_at'].year),
            '- Incidents forwarded from deviations (aware_at = the deviation\'s report time): %s.' % ', '.join(
                '%s ← %s' % (r['ref'], r['deviation_ref']) for r in incs if r['deviation_ref']),
            '- Incidents not closed at 2025-12-31: %s.' % (', '.join(
                '%s (action plan %s)' % (r['ref'], r['action_plan_at'].date()) for r in incs if not r['closed_at'])
                or 'none'),
            '- Lex Maja per year: %s (none in 2024, as published; the others not published): %s.' % (
                ', '.join('%d: %d' % (y, len(of(lms, y))) for y in (2022, 2023, 2024, 2025)), '; '.join('%s %s → %s %s' % (r['ref'], r['unit'], r['recipient'], r['sent_at'].date())
                                          for r in lms)),
            '- Registry numbers: %d own (%d complaints, %d incidents, %d lex Maja) besides %d IVO notifications.' % (
                len(cs) + len(incs) + len(lms), len(cs), len(incs), len(lms),
                sum(1 for i in lsi if i['ivo_regnr'])),
            '- Consistency checks (unique registry numbers in registration order across the organisation, '
            'refs, units and taxonomy codes valid on the day, timeline order, answers before closure, office '
            'hours, IMY and informing rules, action plan before closure, links to deviations and lex Sarah '
            'reports, no timestamp after 2025-12-31 23:59): %s.' % ('all pass' if not probs else '%d PROBLEMS' % len(probs))]
    out += ['  - ' + p for p in probs[:50]]
    print('\n'.join(out))
    if bad or probs:
        print('make_registered_matters.py --check: %d figure(s) differ from the published ones, %d consistency '
              'problem(s)' % (len(bad), len(probs)), file=sys.stderr)
    return not bad and not probs


if __name__ == '__main__':
    if '--check' in sys.argv[1:]:
        sys.exit(0 if check() else 1)
    write(*generate())
    print('wrote %s' % ', '.join(os.path.basename(p) for p in
                                 (SUBJECTS_PATH, COMPLAINTS_PATH, TYPES_PATH, INCIDENTS_PATH, LEX_MAJA_PATH)))
