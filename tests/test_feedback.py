import json
import multiprocessing
import threading

import pytest

from assistant import feedback

ANSWER = {"text": "Antwort [1]", "refused": False,
          "citations": [{"n": 1, "doc": "a.pdf", "page": 2, "page_label": "1", "section": "1. A", "text": "…"}]}


def _write_many(path, who, n):
    for i in range(n):
        feedback.record(path, rating="up" if i % 2 else "down", question=f"{who}-{i} " + "x" * 3000,
                        answer=ANSWER, reason="ä" * 100, settings={"audience": "citizen"})


def test_records_hold_what_is_needed_to_reproduce_and_no_ip(tmp_path):
    path = tmp_path / "fb.jsonl"
    entry = feedback.record(path, rating="down", question="Frage?", answer=ANSWER, reason=" falsch ",
                            settings={"audience": "staff", "fusion": "hybrid"})
    stored = feedback.read_all(path)
    assert stored == [entry]
    assert entry["reason"] == "falsch" and entry["citations"][0]["doc"] == "a.pdf"
    assert entry["settings"]["fusion"] == "hybrid"
    assert not any("ip" in k.lower() or "host" in k.lower() for k in entry)


def test_concurrent_clicks_from_threads_and_processes_lose_nothing(tmp_path):
    path = tmp_path / "fb.jsonl"
    threads = [threading.Thread(target=_write_many, args=(path, f"t{i}", 25)) for i in range(8)]
    ctx = multiprocessing.get_context("spawn")  # fork would copy held locks of other threads
    procs = [ctx.Process(target=_write_many, args=(path, f"p{i}", 25)) for i in range(3)]
    for w in threads + procs:
        w.start()
    for w in threads + procs:
        w.join()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 11 * 25
    questions = {json.loads(line)["question"].split(" ")[0] for line in lines}  # every line parses whole
    assert len(questions) == 11 * 25


def test_a_rating_binds_to_its_answer_and_can_be_changed_or_withdrawn(tmp_path):
    path = tmp_path / "fb.jsonl"
    feedback.record(path, rating="up", question="Erste?", answer=ANSWER, answer_id="a1")
    feedback.record(path, rating="up", question="Zweite?", answer=ANSWER, answer_id="a2")
    feedback.record(path, rating="down", question="Zweite?", answer=ANSWER, answer_id="a2", reason="doch nicht")
    feedback.withdraw(path, answer_id="a1")
    raw = feedback.read_all(path)
    assert [r["rating"] for r in raw] == ["up", "up", "down", "withdrawn"]  # append-only: history kept
    standing = feedback.effective(raw)
    assert [(r["answer_id"], r["rating"], r["reason"]) for r in standing] == [("a2", "down", "doch nicht")]
    # a withdrawn rating no longer reaches the question-file export; a later rating of it counts again
    assert [line["question"] for line in feedback.question_skeleton(raw)] == ["Zweite?"]
    feedback.record(path, rating="down", question="Erste?", answer=ANSWER, answer_id="a1")
    assert {r["answer_id"] for r in feedback.effective(feedback.read_all(path))} == {"a1", "a2"}


def test_records_without_answer_id_each_stand_and_withdraw_needs_an_id(tmp_path):
    path = tmp_path / "fb.jsonl"
    feedback.record(path, rating="up", question="A?", answer=ANSWER)
    feedback.record(path, rating="down", question="A?", answer=ANSWER)
    assert len(feedback.effective(feedback.read_all(path))) == 2
    with pytest.raises(ValueError):
        feedback.withdraw(path, answer_id="")
