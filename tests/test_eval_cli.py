"""Evaluation runs on a question file of one's own, as a district's IT runs them: a file outside the project, run
from another working folder, validated first, compared with the last run and gated by floors; feedback exported
as a question-file skeleton. Real PDFs, the real index and embedding model, real subprocesses."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import feedback
from assistant.documents import load, load_catalogue
from assistant.errors import UserFacingError
from assistant.eval_runner import check_floors, compare_runs, parse_configs, parse_floors
from assistant.evaluation import (
    NOT_IN_CORPUS,
    QuestionFileError,
    Result,
    answer_hit,
    load_questions,
    normalise,
    read_results,
    source_rank,
    write_results,
)
from tests.conftest import CORPUS, ROOT, make_corpus, make_pdf

QUESTIONS = [
    {"id": "s1", "question": "Wann fand die mobile Sprechstunde statt?", "answer": ["29. März 2022", "29.03.2022"],
     "doc": "sprechstunde", "persona": "citizen", "kind": "Termine"},
    {"id": "b1", "question": "Was soll am Barnimplatz entstehen?", "answer": "Stadtteilhaus",
     "doc": ["barnimplatz.pdf", "finanzierung"], "kind": "Orte"},
    {"id": "f1", "question": "Wie viel Geld stellte das Programm Soziale Infrastrukturmaßnahmen bereit?",
     "answer": "25 Mio. Euro", "doc": "finanzierung.pdf"},
    {"id": "n1", "question": "Wer ist der Bürgermeister von Hellersdorf?", "answer": NOT_IN_CORPUS, "doc": None},
]


def _write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def _run(args, cwd: Path, **env) -> subprocess.CompletedProcess:
    assert not Path(cwd).resolve().is_relative_to(ROOT)
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=cwd, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def district(tmp_path) -> dict:
    """A small corpus, an index folder, a question file and a working folder, all outside the project."""
    corpus = make_corpus(tmp_path / "korpus")
    for folder in ("arbeitsordner", "fragen"):
        (tmp_path / folder).mkdir()
    return {"corpus": corpus, "wd": tmp_path / "arbeitsordner",
            "questions": _write_jsonl(tmp_path / "fragen" / "fragen.jsonl", QUESTIONS),
            "env": {"GI_CORPUS_DIR": str(corpus), "GI_INDEX_DIR": str(tmp_path / "index")}}


# ---------------------------------------------------------------- the question file

def test_schema_lists_of_answers_and_documents_with_or_without_extension(district):
    qs = load_questions(district["questions"], district["corpus"])
    s1, b1, _, n1 = qs
    assert s1.docs == ["sprechstunde.pdf"] and s1.answers == ["29. März 2022", "29.03.2022"]
    assert s1.kind == "Termine" and s1.persona == "citizen"
    assert b1.docs == ["barnimplatz.pdf", "finanzierung.pdf"] and b1.doc == "barnimplatz.pdf"
    assert not n1.answerable and n1.docs == [] and qs[2].persona == "general"
    # any accepted answer and any listed document count as hits; others do not
    assert answer_hit(s1.answers, "Sie war am 29.03.2022. [1]", refused=False)
    assert not answer_hit(s1.answers, "Sie war am 30.03.2022. [1]", refused=False)
    assert source_rank(b1.docs, ["sprechstunde.pdf", "finanzierung.pdf"], refused=False) == 2
    assert source_rank(b1.docs, ["sprechstunde.pdf"], refused=False) is None


def test_the_project_question_sets_still_load_against_the_shipped_corpus():
    for name in ("questions.jsonl", "dev.jsonl"):
        qs = load_questions(ROOT / "evals" / name, ROOT / "corpus")
        assert len(qs) > 100 and all(q.docs == ([q.doc] if q.doc else []) for q in qs)


def test_the_example_file_is_valid_and_its_answers_are_in_its_documents():
    qs = load_questions(ROOT / "evals" / "beispiel-fragen.jsonl", CORPUS)
    assert any(len(q.docs) > 1 for q in qs) and any(len(q.answers) > 1 for q in qs)
    assert any(not q.answerable for q in qs) and all(q.kind for q in qs)
    catalogue, texts = load_catalogue(CORPUS), {}
    for q in (q for q in qs if q.answerable):
        for d in q.docs:
            if d not in texts:
                texts[d] = normalise(" ".join(p.text for p in load(CORPUS / d, CORPUS, catalogue).pages))
        assert any(normalise(a) in texts[d] for a in q.answers for d in q.docs), q.id


def test_every_bad_line_is_named_in_german(district, tmp_path):
    bad = _write_jsonl(tmp_path / "kaputt.jsonl", [
        QUESTIONS[0],
        '{"id": "x2", "question": "Wie?", "answer": "b" "doc": "x"}',  # a missing comma
        {"id": "x3", "question": "Wo?", "answer": "b", "doc": "gibt-es-nicht"},
        {"id": "x4", "question": "Wo?"},
        {"id": "s1", "question": "Doppelt?", "answer": "c", "doc": "sprechstunde"},
        {"id": "x6", "question": "Und?", "answer": NOT_IN_CORPUS, "doc": "sprechstunde"},
    ])
    with pytest.raises(QuestionFileError) as err:
        load_questions(bad, district["corpus"])
    msg = err.value.reason
    assert str(bad) in msg
    assert "Zeile 2: kein gültiges JSON" in msg and "\n  Zeile 1:" not in msg  # line 1 is fine
    assert "Zeile 3: Dokument „gibt-es-nicht“ gibt es im Korpus-Ordner" in msg
    assert "Zeile 4: Feld „answer“ fehlt" in msg
    assert "Zeile 5: die id „s1“ steht schon in Zeile 1" in msg
    assert "Zeile 6: bei „nicht im Korpus“ muss „doc“ null sein" in msg


def test_a_broken_file_stops_the_run_and_leaves_no_report(district, tmp_path):
    bad = _write_jsonl(tmp_path / "fragen" / "kaputt.jsonl", [QUESTIONS[0], '{"id": "x2", "question": '])
    out = tmp_path / "bericht"
    r = _run(["eval", "--questions", str(bad), "--out", str(out), "--configs", "hybrid"], district["wd"],
             **district["env"])
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"Fehler: Die Fragendatei {bad} ist fehlerhaft" in r.stderr and "Zeile 2: kein gültiges JSON" in r.stderr
    assert not out.exists() and not (tmp_path / "fragen" / "auswertung-kaputt").exists()
    wrong = _run(["eval", "--questions", str(district["questions"]), "--configs", "hybrid,gpt"], district["wd"],
                 **district["env"])
    assert wrong.returncode == 2 and "Unbekannte Konfiguration „gpt“" in wrong.stderr


# ---------------------------------------------------------------- runs, comparison, floors

@pytest.mark.slow
def test_run_compare_and_gate_from_another_working_folder(district):
    wd, env, questions = district["wd"], district["env"], district["questions"]
    first = _run(["eval", "--questions", "../fragen/fragen.jsonl", "--configs", "hybrid",
                  "--fail-under", "answer_hit=0.9,refusal_rate=1,false_refusal_rate=0"], wd, **env)
    assert first.returncode == 0, first.stderr
    out = questions.parent / "auswertung-fragen"
    report = (out / "bericht.md").read_text(encoding="utf-8")
    assert report.splitlines()[2].startswith("**4 von 4 Fragen richtig beantwortet**")
    assert f"Fragendatei: `{questions}`" in report and (out / "bericht.png").stat().st_size > 1000
    assert "Alle Mindestwerte erreicht." in first.stdout
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging folder left behind
    last = wd / "last-run.jsonl"
    last.write_bytes((out / "results-hybrid.jsonl").read_bytes())

    # the update: the Barnimplatz document now says something else
    make_pdf(district["corpus"] / "barnimplatz.pdf", ["Am Barnimplatz sind Bänke und ein Brunnen geplant.",
                                                     "Weitere Angaben folgen."], title="Barnimplatz")
    second = _run(["eval", "--questions", str(questions), "--compare", "last-run.jsonl",
                   "--fail-under", "answer_hit=0.9,refusal_rate=1"], wd, **env)
    assert second.returncode == 1, second.stderr
    assert "Mindestwert verfehlt: answer_hit = 0.667 (gefordert ≥ 0.9)" in second.stderr
    assert "refusal_rate" not in second.stderr  # only the missed floor is named
    report = (out / "bericht.md").read_text(encoding="utf-8")
    assert "3 von 4 Fragen richtig beantwortet; 1 Frage verschlechtert und 0 verbessert seit dem letzten Lauf" \
        in report
    worse = report.split("### Verschlechtert (1)")[1].split("### Verbessert")[0]
    row = next(line for line in worse.splitlines() if line.startswith("| b1 |"))
    assert "Stadtteilhaus mit Bibliothek" in row and "Bänke und ein Brunnen" in row  # both answers side by side
    assert "| answer_hit | 1.000 | 0.667 | -0.333 |" in report
    assert [r.id for r in read_results(out / "results-hybrid.jsonl")["hybrid (default)"] if not r.correct] == ["b1"]


@pytest.mark.slow
def test_results_and_report_appear_together_or_not_at_all(district, tmp_path, monkeypatch):
    from assistant import eval_runner
    from assistant.settings import Settings

    settings = Settings.load(corpus_dir=district["corpus"], index_dir=tmp_path / "index")
    out = tmp_path / "bericht"

    def broken_chart(*_args, **_kw):
        raise OSError("Datenträger voll")

    monkeypatch.setattr(eval_runner, "_chart", broken_chart)
    with pytest.raises(OSError):
        eval_runner.evaluate_file(settings, district["questions"], out, configs=["hybrid"])
    assert list(out.iterdir()) == []  # no results file without its report, no staging folder


# ---------------------------------------------------------------- pure pieces of the gate and the comparison

def _result(rid, gold, answer, refused, hit):
    return Result(rid, "general", [], f"Frage {rid}?", gold, None, answer, refused, [], 10.0, None, hit, None)


def test_comparison_and_floors_on_known_results(tmp_path):
    before = [_result("a", "13", "13 [1]", False, True), _result("b", NOT_IN_CORPUS, "x [1]", False, False),
              _result("c", "7", "7 [1]", False, True)]
    now = [_result("a", "13", "zwölf [1]", False, False), _result("b", NOT_IN_CORPUS, "nichts", True, False),
           _result("d", "9", "9 [1]", False, True)]
    write_results(tmp_path / "r.jsonl", before, "hybrid (default)")
    cmp = compare_runs(read_results(tmp_path / "r.jsonl")["hybrid (default)"], now)
    assert [b.id for _, b in cmp.worse] == ["a"] and [b.id for _, b in cmp.better] == ["b"]
    assert (cmp.added, cmp.dropped) == (1, 1)
    rows = check_floors(cmp.after, parse_floors("answer_hit=0.5,refusal_rate=1,false_refusal_rate=0"))
    assert [(name, met) for name, _, _, met in rows] == [("answer_hit", True), ("refusal_rate", True),
                                                          ("false_refusal_rate", True)]
    assert not check_floors(cmp.after, {"answer_hit": 0.51})[0][3]
    assert parse_configs("bm25, hybrid,bm25") == ["bm25", "hybrid"]
    with pytest.raises(UserFacingError, match="keine Angabe der Form"):
        parse_floors("trefferquote=0.9")
    with pytest.raises(UserFacingError, match="keine Angabe der Form"):
        parse_floors("answer_hit=0,9")  # a decimal comma splits the list: told, not silently misread


# ---------------------------------------------------------------- feedback -> question file

def test_feedback_export_round_trips_three_ratings(district, tmp_path):
    store = tmp_path / "feedback" / "feedback.jsonl"
    answer = {"text": "Am Barnimplatz soll ein Stadtteilhaus entstehen. [1]", "refused": False,
              "citations": [{"n": 1, "doc": "barnimplatz.pdf", "page": 1, "page_label": "1", "section": ""}]}
    refused = {"text": "Dazu steht in den vorliegenden Unterlagen nichts.", "refused": True, "citations": []}
    feedback.record(store, rating="down", question="Was kommt an den Barnimplatz?", answer=answer,
                    reason="Antwort passt nicht zur Frage – bitte an max.muster@example.org", settings={
                        "audience": "citizen", "filters": {}, "fusion": "hybrid"})
    feedback.record(store, rating="up", question="Wann war die Sprechstunde?", answer=answer, reason="",
                    settings={"audience": "staff"})
    feedback.record(store, rating="down", question="Wer ist Bürgermeister?", answer=refused,
                    reason="Ruf mich an: 030 1234 5678", settings={})
    out = tmp_path / "neu" / "rueckmeldungen.jsonl"
    r = _run(["feedback", "export", "--questions", str(out)], district["wd"], GI_FEEDBACK_PATH=str(store))
    assert r.returncode == 0, r.stderr
    assert f"3 Fragen aus {store}" in r.stdout
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["question"] for row in rows] == ["Was kommt an den Barnimplatz?", "Wann war die Sprechstunde?",
                                                 "Wer ist Bürgermeister?"]
    assert [row["persona"] for row in rows] == ["citizen", "staff", "general"]
    assert rows[0]["feedback"][0]["reason"].startswith("Antwort passt nicht zur Frage")
    assert rows[0]["feedback"][0]["answer_given"] == answer["text"]
    text = out.read_text(encoding="utf-8")
    assert "example.org" not in text and "1234 5678" not in text and '"time"' not in text
    assert "hybrid" not in text  # settings stay in the store
    again = _run(["feedback", "export", "--questions", str(out)], district["wd"], GI_FEEDBACK_PATH=str(store))
    assert again.returncode == 2 and "wird nicht überschrieben" in again.stderr

    # the skeleton is refused until a person fills it in ...
    with pytest.raises(QuestionFileError, match="Zeile 3: „answer“ ist noch nicht ausgefüllt"):
        load_questions(out, district["corpus"])
    rows[0].update(answer="Stadtteilhaus", doc="barnimplatz")
    rows[1].update(answer=["29.03.2022", "29. März 2022"], doc="sprechstunde.pdf")
    rows[2].update(answer=NOT_IN_CORPUS, doc=None)
    _write_jsonl(out, rows)
    # ... and then it is a question file like any other
    qs = load_questions(out, district["corpus"])
    assert [(q.question, q.docs, q.kind) for q in qs] == [
        ("Was kommt an den Barnimplatz?", ["barnimplatz.pdf"], "rückmeldung"),
        ("Wann war die Sprechstunde?", ["sprechstunde.pdf"], "rückmeldung"),
        ("Wer ist Bürgermeister?", [], "rückmeldung")]
