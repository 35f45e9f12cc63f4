-- The demo organisation's quality report for 2025 (doc/report.md): what the
-- quality coordinator writes — the header, a summary, the analysis of the
-- chapters and sections, subsections per department — and the committee's
-- adoption, which freezes the published version and prints the head of the
-- audit chain.  Run after demo/load.sql (./tools/run.sh does).  The texts are
-- written for the demo from the published figures
-- (../shared/reference/alingsas-published-figures.md); the decision's date,
-- paragraph and registry number are examples, not published facts.
\set ON_ERROR_STOP 1
SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset
SELECT unit_id AS unga FROM sqm.unit_version WHERE org_id = :org AND name = 'Avdelning Unga' \gset
SELECT unit_id AS vuxna FROM sqm.unit_version WHERE org_id = :org AND name = 'Avdelning Vuxna' \gset

\o /dev/null
BEGIN;
-- the coordinator writes in February 2026
SET LOCAL sqm.frozen_now = '2026-02-10 10:00+01';
SELECT sqm.set_report_setting(:org, true);
SELECT sqm.set_report_metadata(:org, '2025',
  deciding_body => 'Socialnämnden',
  scope => 'Socialförvaltningens verksamheter enligt socialtjänstlagen (SoL), LSS och hälso- och sjukvårdslagen (HSL)',
  document_owner => 'Socialt ansvarig samordnare',
  subtitle => 'Socialnämnden, Alingsås kommun – uppföljning av det systematiska kvalitetsarbetet 2025',
  summary => $$Antalet rapporterade avvikelser fortsatte att öka, från 93 år 2024 till 121 år 2025. Ökningen är främst ett tecken på att fler rapporterar: den nya enheten Vägledning och integration och enheten Boende står för det mesta av den, medan Barn och unga 1 och 2 rapporterade färre avvikelser än året innan.

Trettiotre lex Sarah-utredningar avslutades, mot 20 året innan. Nio av dem gällde allvarliga missförhållanden eller påtagliga risker för sådana och anmäldes till IVO. IVO har avslutat de ärenden myndigheten hunnit pröva utan vidare åtgärd.

De vanligaste bristerna gäller fortfarande informationsöverföring och rättssäkerhet. Förvaltningen prioriterar 2026 rutinerna för överlämning mellan enheter och uppföljningen av åtgärder inom utsatt tid.$$);

SELECT sqm.set_report_analysis(:org, '2025', 'deviation',
  $$Rapporteringen har ökat tre år i rad. Ökningen ses som ett resultat av arbetet med att göra det enkelt att rapportera, inte som att verksamheten blivit sämre: de flesta avvikelser gäller brister i informationsöverföring och rättssäkerhet som upptäckts i det dagliga arbetet.$$);
SELECT sqm.set_report_analysis(:org, '2025', 'deviation_per_unit',
  $$Boende rapporterade 31 avvikelser mot 7 året innan, sedan enheten infört gemensam genomgång av avvikelser på arbetsplatsträffarna. Vägledning och integration, som bildades 2025, rapporterade 16. Barn och unga 1 och 2 rapporterade tillsammans 22 avvikelser mot 53 året innan; enheterna har under året arbetat med de rutiner för dokumentation och beslut som låg bakom många av 2024 års rapporter.$$);
SELECT sqm.set_report_analysis(:org, '2025', 'deviation_per_type',
  $$Brister i informationsöverföring och i rättssäkerhet är fortfarande de vanligaste typerna. Brister i fysisk miljö och teknik ökade, främst genom rapporter om verksamhetssystemet under hösten.$$);
SELECT sqm.set_report_analysis(:org, '2025', 'deviation_status',
  $$Vid uppföljningen i januari 2026 var 103 av 2025 års 121 avvikelser avslutade. Nio var utredda men hade åtgärder som ännu inte genomförts och följts upp, och nio rapporterade i december var fortfarande under utredning.$$);
SELECT sqm.set_report_analysis(:org, '2025', 'deviation_collaboration',
  $$Inga avvikelser i samverkan med regionen rapporterades 2025, i någon riktning. Förvaltningen bedömer att det inte beror på att inga händelser inträffat utan på att kunskap och behörigheter försvunnit vid chefsbyten. Rutinen ska gås igenom med regionen under våren 2026.$$);
SELECT sqm.set_report_analysis(:org, '2025', 'lex_sarah',
  $$Antalet avslutade utredningar har ökat varje år sedan 2023. Andelen som anmälts till IVO har minskat, från hälften 2024 till knappt en tredjedel 2025.$$);
SELECT sqm.set_report_analysis(:org, '2025', 'lex_sarah_per_unit',
  $$Vägledning och integration stod för nio av årets 33 utredningar. En utredning 2024 omfattade rapporter från två enheter om samma händelse och räknas under båda; anmärkningen under tabellen visar hur det går ihop med totalen.$$);
SELECT sqm.set_report_analysis(:org, '2025', 'lex_sarah_theme',
  $$Brister i rättssäkerhet och rutiner som inte följts är de vanligaste bristerna som utredningarna fann, liksom året innan.$$);
SELECT sqm.set_report_analysis(:org, '2025', 'deadlines',
  $$De flesta tidsfrister hölls. De som inte hölls gäller främst åtgärder som genomförts eller följts upp efter utsatt datum; förvaltningen följer dem månadsvis från 2026.$$);
SELECT sqm.set_report_analysis(:org, '2025', 'deviation_dep_' || :unga,
  $$Avdelningens två enheter för barn och unga har mer än halverat antalet avvikelser sedan 2024.$$);
SELECT sqm.set_report_analysis(:org, '2025', 'lex_sarah_dep_' || :vuxna,
  $$Avdelningen hade sex utredningar på enheten Vuxna; fyra av dem gällde samordning med andra aktörer.$$);
COMMIT;

-- the committee adopts the report on 24 February 2026, § 18
BEGIN;
SET LOCAL sqm.frozen_now = '2026-02-24 16:00+01';
SELECT sqm.adopt_report(:org, '2025', '2026-02-24', 18, '2026.012 SN', 'Socialnämnden 2026-02-24 § 18') AS report \gset
COMMIT;
\o
SELECT r.id AS "kvalitetsberättelse", r.period AS "period", r.state AS "status", r.decision_date AS "beslut",
       '§ ' || r.decision_paragraph AS "paragraf", r.regnr AS "diarienummer", p.audit_seq AS "granskningsloggens huvud"
  FROM sqm.quality_report r JOIN sqm.report_publication p ON p.org_id = r.org_id AND p.report_id = r.id AND p.lang = r.lang
 WHERE r.org_id = :org AND r.id = :report;
