"""The evaluation question set is well-formed, balanced as promised, and its gold answers are real."""

import re
from collections import Counter

import pytest

from assistant.documents import load, load_catalogue
from assistant.evaluation import NOT_IN_CORPUS, load_questions
from tests.conftest import CORPUS, ROOT

SETS = [ROOT / "evals" / "questions.jsonl", ROOT / "evals" / "dev.jsonl"]


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.lower()).strip()


@pytest.fixture(scope="module")
def texts():
    cat = load_catalogue(CORPUS)
    return {}, cat


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_gold_answers_occur_in_their_documents(path, texts):
    cache, cat = texts
    for q in load_questions(path):
        assert q.persona in {"staff", "citizen", "general"}
        if q.answer == NOT_IN_CORPUS:
            assert q.doc is None
            continue
        if q.doc not in cache:
            cache[q.doc] = _norm(" ".join(p.text for p in load(CORPUS / q.doc, CORPUS, cat).pages))
        assert _norm(q.answer) in cache[q.doc], (q.id, q.answer, q.doc)


def test_the_evaluation_set_has_the_promised_mix():
    qs = load_questions(SETS[0])
    personas = Counter(q.persona for q in qs if q.answerable and not q.history and not
                       set(q.tags) & {"english", "typo"})
    assert len(qs) >= 90
    assert personas["staff"] >= 35 and personas["citizen"] >= 25
    assert sum(not q.answerable for q in qs) >= 12
    assert sum(bool(q.history) for q in qs) >= 6
    assert sum(bool(set(q.tags) & {"english", "typo"}) for q in qs) >= 6
    assert sum("howto" in q.tags for q in qs) >= 5
    assert len({q.id for q in qs}) == len(qs)
    def key(q):
        return q.question, str(q.history)

    dev = {key(q) for q in load_questions(SETS[1])}
    assert not dev & {key(q) for q in qs}  # tuning questions are not evaluation questions
