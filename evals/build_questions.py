"""Source of evals/questions.jsonl and evals/dev.jsonl (run: python evals/build_questions.py).

Questions were written from the corpus texts; every gold answer is a literal phrase of the document named in
"doc" (checked by tests/test_questions.py). Tags: howto, unanswerable, followup, english, typo, own-words
(citizen wording written without copying the document's words). dev.jsonl is used to tune retrieval weights
and the refusal threshold; questions.jsonl is the evaluation set and is not tuned on.
"""

import json
from pathlib import Path

S, C, G = "staff", "citizen", "general"
SB, HR, RB, LF = "senatsbeschluss-2018.pdf", "handlungsraeume.pdf", "ressortbeitraege.pdf", "leitfaden-gi-ihk.pdf"
FG, FH, ZP, IHK = ("flyer-gemeinschaftsinitiative.pdf", "flyer-ideen-fuer-hellersdorf.pdf",
                   "zeitplan-ihk-hellersdorf-nord.pdf", "ihk-marzahn-nord-2020.pdf")
WEB = "marzahn-hellersdorf-spk.html"
NO = "nicht im Korpus"

EVAL = [
    # ---- staff (36)
    (S, "An welchem Tag hat der Senat die Gemeinschaftsinitiative beschlossen?", "30.10.2018", SB, []),
    (S, "Welche Beschlussnummer hat der Senatsbeschluss zur GI?", "S-1658/2018", SB, []),
    (S, "Welche drei Senatsverwaltungen haben die Vorlage 2018 eingebracht?", "Bildung, Jugend und Familie", SB, []),
    (S, "Welche Pflichtinhalte muss ein GI-IHK laut Senatsverwaltung enthalten?", "Bestandsaufnahme", LF, []),
    (S, "Wie schreibe ich das Kapitel Bestandsaufnahme und Analyse?", "Bestandsaufnahme", LF, ["howto"]),
    (S, "Was gehört in das Kapitel Schlüsselmaßnahmen eines Handlungskonzepts?", "Steckbrief", LF, ["howto"]),
    (S, "Wie formuliere ich das Kapitel Handlungsfelder und Ziele?", "Zielbaum", LF, ["howto"]),
    (S, "Was muss im Kapitel Gebietsabgrenzung stehen?", "Geoportal", LF, ["howto"]),
    (S, "Wie schreibe ich das Kapitel zur Beteiligung?", "Rückmeldung", LF, ["howto"]),
    (S, "Was gehört in das Kapitel Finanzierung des IHK?", "Folgekosten", LF, ["howto"]),
    (S, "Wie gehe ich beim Kapitel Stärken und Schwächen vor?", "SWOT", LF, ["howto"]),
    (S, "Was schreibe ich in das Kapitel Handlungsbedarfe?", "Priorität", LF, ["howto"]),
    (S, "Welche Felder hat die Steckbrief-Vorlage für Schlüsselmaßnahmen?", "Federführung", LF, []),
    (S, "Wie viele Handlungsfelder empfiehlt der Leitfaden?", "fünf bis sieben", LF, []),
    (S, "Welche Datenquellen kann ich für die Bestandsaufnahme nutzen?", "Sozialstrukturatlas", LF, []),
    (S, "Was steht auf der Checkliste vor dem Beschluss des Konzepts?", "Karte der amtlichen Handlungsraum-Kulisse", LF, []),
    (S, "Was ist mit dem Stolperstein Datenfriedhof gemeint?", "Kernaussagen", LF, []),
    (S, "Wer beschließt das GI-Handlungskonzept?", "Bezirksamt", LF, []),
    (S, "Welche Mindestgröße haben sozio-integrative Projekte bei Europa im Quartier?", "100.000 Euro", RB, []),
    (S, "Wie hoch ist die Förderquote im EFRE-Programm Europa im Quartier in der Regel?", "40 %", RB, []),
    (S, "Wie viel Geld stand 2021 bis 2024 für Soziale Infrastrukturmaßnahmen bereit?", "25 Mio. Euro", RB, []),
    (S, "Von wie vielen Senatsverwaltungen muss ein Gemeinschaftsprojekt getragen werden?", "mindestens zwei", RB, []),
    (S, "Wie lange gilt die Zweckbindung bei Baumaßnahmen im Programm Sozialer Zusammenhalt?", "mindestens zehn Jahre", RB, []),
    (S, "Wie viele Senatsverwaltungen umfasst die aktuelle Liste der GI-Partner?", "neun", RB, []),
    (S, "Welche drei Datengrundlagen wurden für die Auswahl der Handlungsräume genutzt?", "Sozialstrukturatlas", HR, []),
    (S, "Ab welchem Anteil lernmittelbefreiter Schüler zählt eine Grundschule als Kriterium?", "75 %", HR, []),
    (S, "Wie oft erscheint das Monitoring Soziale Stadtentwicklung?", "alle zwei Jahre", HR, []),
    (S, "Wie viele Planungsräume beobachtet das MSS?", "447", HR, []),
    (S, "Aus wie vielen Teilbereichen besteht der Handlungsraum Stadtrand Süd?", "vier", HR, []),
    (S, "Welches Planungsbüro hat das Konzept für Hellersdorf-Nord erarbeitet?", "die raumplaner", ZP, []),
    (S, "Wann kündigte das Bezirksamt die Erstellung des Konzepts Hellersdorf-Nord an?", "20.01.2022", ZP, []),
    (S, "Wann beschloss die BVV, erneut ein Quartiersmanagement für Hellersdorf-Nord zu beantragen?", "März 2017", ZP, []),
    (S, "Seit wann gibt es die OE SPK in Marzahn-Hellersdorf?", "01.01.2018", WEB, []),
    (S, "Mit wie vielen Stellen startete die OE SPK im Bezirk?", "drei Stellen", WEB, []),
    (S, "Wie hoch wurden die Kosten für das Stadtteilhaus am Barnimplatz geschätzt?", "11,5 Mio. Euro", IHK, []),
    (S, "Welcher Träger betrieb das Quartiersmanagement Marzahn-Nord?", "Kiek in", IHK, []),
    # ---- citizens (26)
    (C, "Was ist die Gemeinschaftsinitiative eigentlich?", "Gemeinschaftsinitiative", FG, []),
    (C, "In wie vielen Gebieten in Berlin gibt es die GI?", "13", FG, []),
    (C, "Welche Handlungsräume gibt es bei uns in Marzahn-Hellersdorf?", "Hellersdorf-Nord", FG, []),
    (C, "Wer kümmert sich im Bezirksamt um die GI?", "Sozialraumorientierte Planungskoordination", FG, []),
    (C, "Was heißt ressortübergreifend?", "arbeiten zusammen", FG, ["own-words"]),
    (C, "Was soll durch die GI besser werden?", "Stadtteilzentren", FG, ["own-words"]),
    (C, "Wo kann ich online meine Meinung sagen?", "mein.berlin.de", FG, ["own-words"]),
    (C, "Wann war die Sprechstunde auf dem Alice-Salomon-Platz?", "29.03.2022", FH, []),
    (C, "Bis wann konnte man online bei Hellersdorf mitmachen?", "27.03.2022", FH, []),
    (C, "Welche drei Fragen wurden den Leuten in Hellersdorf gestellt?", "Welche Ideen haben Sie?", FH, []),
    (C, "Was haben die Leute für Hellersdorf vorgeschlagen?", "Grünflächen", FH, ["own-words"]),
    (C, "Kann ich beim Plan für Hellersdorf noch mitmachen?", "ist vorbei", FH, ["own-words"]),
    (C, "Um welche Gegend geht es in Hellersdorf-Nord genau?", "Gelben Viertel", FH, []),
    (C, "Wann waren die Telefonsprechstunden?", "10.03.2022", FH, []),
    (C, "Was wird am Barnimplatz geplant?", "Stadtteilhaus", IHK, ["own-words"]),
    (C, "Was sollte in das neue Stadtteilhaus am Barnimplatz rein?", "Bibliothek", IHK, ["own-words"]),
    (C, "Wo liegt Marzahn-Nord ungefähr?", "Landsberger Allee", IHK, ["own-words"]),
    (C, "Warum ziehen Leute nach Marzahn-Nord?", "günstigen Mieten", IHK, ["own-words"]),
    (C, "Wie viele Kinder in Marzahn-Nord leben von Grundsicherung?", "31,8 %", IHK, ["own-words"]),
    (C, "Wann endete das Quartiersmanagement in Marzahn-Nord?", "Ende 2020", IHK, []),
    (C, "Wie viele Leute wohnen im Ortsteil Hellersdorf?", "85.500", WEB, ["own-words"]),
    (C, "Wann war der Stadtteildialog Hellersdorf?", "09.12.2022", WEB, []),
    (C, "Wo kann ich die fertigen Handlungskonzepte lesen?", "Seite der SPK", WEB, ["own-words"]),
    (C, "Wie viele Kinder sind in Hellersdorf-Nord arm?", "36,8 %", WEB, ["own-words"]),
    (C, "Wo kann ich mich im Kiez engagieren?", "Stadtteilzentren", WEB, ["own-words"]),
    (C, "Was ist das KulturGut in Marzahn?", "soziokulturelle Bildungsstätte", IHK, []),
    # ---- general (6)
    (G, "Wie viel Geld stellte die Stadtentwicklungsverwaltung für die Kooperationsprojekte bereit?", "25 Millionen Euro", SB, []),
    (G, "Welche drei Handlungsräume waren in der Pilotphase?", "Kosmosviertel", SB, []),
    (G, "Seit wann gibt es das Berliner Quartiersmanagement?", "1999", SB, []),
    (G, "Was ist das Bonus-Programm?", "Schulen in schwieriger sozialer Lage", RB, []),
    (G, "Was ist das Olof-Palme-Zentrum?", "Stadtteilzentr", RB, []),
    (G, "Was ist ein Handlungsraum?", "abgegrenztes Stadtgebiet", HR, []),
    # ---- unanswerable (14)
    (C, "Wann hat das Bürgeramt Hellersdorf geöffnet?", NO, None, ["unanswerable"]),
    (C, "Wie hoch ist die durchschnittliche Miete in Marzahn-Nord in Euro pro Quadratmeter?", NO, None, ["unanswerable"]),
    (G, "Wer ist der Bezirksbürgermeister von Marzahn-Hellersdorf?", NO, None, ["unanswerable"]),
    (C, "Welche Telefonnummer hat die SPK?", NO, None, ["unanswerable"]),
    (S, "Wann hat das Bezirksamt das Konzept Hellersdorf-Nord beschlossen?", NO, None, ["unanswerable"]),
    (S, "Wie heißen die übrigen sechs Schlüsselmaßnahmen in Marzahn-Nord?", NO, None, ["unanswerable"]),
    (S, "Wie viele Seiten darf ein GI-IHK höchstens haben?", NO, None, ["unanswerable"]),
    (C, "Wo ist der nächste Spielplatz in Hellersdorf?", NO, None, ["unanswerable"]),
    (G, "Wie wird das Wetter morgen in Berlin?", NO, None, ["unanswerable"]),
    (C, "Wann fährt die Tram M6 zum Alice-Salomon-Platz?", NO, None, ["unanswerable"]),
    (S, "Welche Ressortbeiträge hat die Senatsverwaltung für Inneres und Sport benannt?", NO, None, ["unanswerable"]),
    (G, "Wie viele Einwohner hat der Handlungsraum Neukölln-Nord?", NO, None, ["unanswerable"]),
    (C, "Wie beantrage ich Wohngeld?", NO, None, ["unanswerable"]),
    (S, "Welche Indikatoren hat das IHK Marzahn-Nord festgelegt?", NO, None, ["unanswerable"]),
]

FOLLOWUPS = [
    (C, "Und in Marzahn-Nord?", "31,8 %", IHK,
     [{"role": "user", "content": "Wie viele Kinder in Hellersdorf-Nord leben in Familien mit Grundsicherung?"}]),
    (S, "Und wer koordiniert das?", "Sozialraumorientierte Planungskoordination", ZP,
     [{"role": "user", "content": "Wer hat das Konzept für Hellersdorf-Nord erarbeitet?"}]),
    (C, "Und wann war die zweite?", "16.03.2022", FH,
     [{"role": "user", "content": "Wann war die erste telefonische Sprechstunde für Hellersdorf?"}]),
    (S, "Und bei Bauprojekten?", "500.000 Euro", RB,
     [{"role": "user", "content": "Welche Mindestgröße haben sozio-integrative Projekte bei Europa im Quartier?"}]),
    (G, "Und in Hellersdorf-Nord?", "2022", HR,
     [{"role": "user", "content": "Wann wurde das Handlungskonzept in Marzahn-Nord erstellt?"}]),
    (C, "Was kostet das?", "11,5 Mio. Euro", IHK,
     [{"role": "user", "content": "Was wird am Barnimplatz in Marzahn-Nord geplant?"}]),
    (S, "Und welche Tipps gibt es dafür?", "Zeitreihen", LF,
     [{"role": "user", "content": "Was gehört in die Bestandsaufnahme eines GI-IHK?"}]),
]

LANG = [
    (G, "When did the Berlin Senate adopt the Gemeinschaftsinitiative?", "30.10.2018", SB, ["english"]),
    (G, "Which office coordinates the initiative in Marzahn-Hellersdorf?", "Sozialraumorientierte Planungskoordination", WEB, ["english"]),
    (C, "How many key measures does the Marzahn-Nord concept have?", "zehn", IHK, ["english"]),
    (C, "wann war die sprechstunde auf dem alice salomon platz", "29.03.2022", FH, ["typo"]),
    (C, "wiviele handlungsreume gibt es in berlin", "13", FG, ["typo"]),
    (S, "Was gehört in die Bestandsaufname?", "Sozialstrukturatlas", LF, ["typo"]),
    (C, "wer koordinirt die gemeinschaftsinitiatve im bezirk", "Sozialraumorientierte Planungskoordination", WEB, ["typo"]),
]

DEV = [
    (S, "Welche Rolle hat die Geschäftsstelle der GI?", "ressortübergreifende Koordination", LF, []),
    (S, "Was ist ein Ressortbeitrag?", "Ressortbeitrag", RB, []),
    (S, "Wann erscheint die nächste Ausschreibung für Soziale Infrastrukturmaßnahmen?", "2025 bis 2027", RB, []),
    (S, "Wie schreibe ich das Kapitel Einleitung und Anlass?", "Senatsbeschluss", LF, ["howto"]),
    (S, "Was gehört in das Kapitel Umsetzung, Monitoring und Fortschreibung?", "Indikatorenset", LF, ["howto"]),
    (S, "Was muss ich im Kapitel ressortübergreifendes Vorgehen beschreiben?", "Ämterrunde", LF, ["howto"]),
    (S, "Welche Stolpersteine nennt der Leitfaden?", "Wunschliste", LF, []),
    (S, "Welche Kriterien gelten für Gebiete mit besonderem Aufmerksamkeitsbedarf?", "MSS", HR, []),
    (S, "Wie viele Indikatoren wertete der Sozialstrukturatlas 2013 aus?", "66", HR, []),
    (S, "Was war die Vorgeschichte in Hellersdorf-Nord seit 2015?", "Quartiersmanagement", ZP, []),
    (S, "Wann wurde die OE SPK vom Bezirksamt beschlossen?", "22.08.2017", WEB, []),
    (S, "Woran knüpft die GI auf Bundesebene an?", "Soziale Stadt", SB, []),
    (C, "Was macht die SPK?", "Bezirksregionenprofile", WEB, []),
    (C, "Was ist ein integriertes Handlungskonzept?", "Plan", FG, ["own-words"]),
    (C, "Welche Themen waren bei der Beteiligung in Hellersdorf wichtig?", "Klimawandel", FH, []),
    (C, "Wie war die Beteiligung in Marzahn-Nord?", "mein.berlin.de", IHK, []),
    (C, "Wo finde ich Veranstaltungen für Lesungen in Marzahn-Nord?", "Tschechow-Theater", IHK, ["own-words"]),
    (C, "Wie viel Geld hat das Quartiersmanagement Marzahn-Nord bekommen?", "23.392.000 Euro", IHK, []),
    (C, "Gibt es in Hellersdorf einen Stadtteilzentren-Vertrag?", "19.11.2025", RB, []),
    (C, "Was ist Berlin bewegt sich?", "Bewegungsangebote", RB, []),
    (G, "Wie hoch ist die Arbeitslosigkeit im Bezirk?", "6,3 %", WEB, []),
    (G, "Was ist BENE?", "Umweltprogramm", RB, []),
    (C, "Wann ist der nächste Stadtteildialog in Marzahn?", NO, None, ["unanswerable"]),
    (S, "Wie hoch ist das Budget für das IHK Hellersdorf-Nord?", NO, None, ["unanswerable"]),
    (C, "Welche Kita in Marzahn-Nord hat freie Plätze?", NO, None, ["unanswerable"]),
    (G, "Wer hat die Fußball-WM 2014 gewonnen?", NO, None, ["unanswerable"]),
    (S, "Welche Vorlage gibt der Leitfaden für das Deckblatt vor?", NO, None, ["unanswerable"]),
    (C, "Wie melde ich einen kaputten Gehweg?", NO, None, ["unanswerable"]),
    (C, "Und in Hellersdorf-Nord?", "36,8 %", WEB,
     [{"role": "user", "content": "Wie viele Minderjährige leben in Marzahn-Nord in SGB-II-Bedarfsgemeinschaften?"}]),
    (G, "What are the selection criteria for the action areas?", "Sozialstrukturatlas", HR, ["english"]),
    (C, "Wie lange dauert ein Bauantrag im Bezirk?", NO, None, ["unanswerable"]),
    (C, "Wo bekomme ich einen neuen Personalausweis?", NO, None, ["unanswerable"]),
    (S, "Wie viele Mitarbeitende hat die SPK heute?", NO, None, ["unanswerable"]),
    (G, "Welche Partei stellt die Bezirksbürgermeisterin?", NO, None, ["unanswerable"]),
    (C, "Gibt es im Kosmosviertel ein Schwimmbad?", NO, None, ["unanswerable"]),
    (S, "Welche Software soll für das Monitoring genutzt werden?", NO, None, ["unanswerable"]),
    (C, "Was kostet ein Ticket für die Seilbahn?", NO, None, ["unanswerable"]),
    (G, "Wie hoch ist die Arbeitslosigkeit in Spandau?", NO, None, ["unanswerable"]),
    (S, "Wie heißt der vierte Teilbereich von Stadtrand Süd?", NO, None, ["unanswerable"]),
    (S, "Welche Berichtspflichten legt der Senatsbeschluss fest?", NO, None, ["unanswerable"]),
    (C, "An welchem Tag war die dritte telefonische Sprechstunde?", NO, None, ["unanswerable"]),
    (C, "Wer betreibt das Stadtteilzentrum in der Rosenbecker Straße?", "Kiek in", IHK, ["own-words"]),
    (C, "Ist der Barnimplatz beliebt?", "kaum genutzt", IHK, ["own-words"]),
    (C, "Wie komme ich mit Bus und Bahn nach Marzahn-Nord?", "öffentlichen Nahverkehr", IHK, ["own-words"]),
    (S, "Muss die BVV dem Konzept zustimmen?", "Bezirksverordnetenversammlung", LF, []),
    (S, "Was mache ich mit Ideen ohne Geld?", "Finanzierung offen", LF, ["own-words"]),
    (C, "Welche Senatorinnen waren 2018 zuständig?", "Katrin Lompscher", SB, []),
    (C, "was ist ein schlüselmasnahme", "Schlüsselmaßnahmen", FG, ["typo"]),
]


def rows(items, prefix):
    out = []
    for i, (persona, question, answer, doc, extra) in enumerate(items, start=1):
        row = {"id": f"{prefix}{i:03d}", "question": question, "answer": answer, "doc": doc, "persona": persona}
        if extra and isinstance(extra[0], dict):
            row["history"] = extra
            row["tags"] = ["followup"]
        elif extra:
            row["tags"] = extra
        out.append(row)
    return out


def main() -> None:
    here = Path(__file__).parent
    for name, items, prefix in (("questions.jsonl", EVAL + FOLLOWUPS + LANG, "q"), ("dev.jsonl", DEV, "d")):
        with (here / name).open("w", encoding="utf-8") as fh:
            for row in rows(items, prefix):
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(name, len(items))


if __name__ == "__main__":
    main()
