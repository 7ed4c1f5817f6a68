"""The XQuAD-de evaluation computes its metrics correctly on real answers from a real index."""

import re

import pytest

from assistant import xquad_eval as xq

pytestmark = pytest.mark.skipif(not xq.DATA.exists(), reason="XQuAD-de data not available")

# articles 1, 2 and 3 of the source: with every 4th article left out, 3 is not indexed
ARTICLES = {1, 2, 3}


@pytest.fixture(scope="module")
def source():
    return xq.read_source()


def test_split_and_leave_out_are_deterministic_and_cover_both_halves(source):
    qs = xq.load_questions(source)
    assert len(qs) == 612 and len({q.id for q in qs}) == 612
    assert [q.split for q in qs] == [q.split for q in xq.load_questions(source)]
    dev = sum(q.split == "dev" for q in qs)
    assert 0.4 * len(qs) < dev < 0.6 * len(qs)
    left_out = {q.article for q in qs if not q.indexed}
    assert left_out == {i for i in range(len(source["data"])) if i % xq.LEAVE_OUT_EVERY == xq.LEAVE_OUT_EVERY - 1}
    for split in xq.SPLITS:  # both halves have answerable and unanswerable questions
        assert {q.indexed for q in qs if q.split == split} == {True, False}
    assert all(q.answers and all(q.answers) for q in qs)


def test_spread_takes_evenly_from_the_whole_list():
    items = list(range(100))
    assert xq.spread(items, 4) == [0, 25, 50, 75]
    assert xq.spread(items, None) == items and xq.spread(items, 500) == items


def test_lead_and_normalisation():
    text = "Die **Panthers** gaben 308  Punkte ab. [1] Weitere Angabe: 24 Interceptions. [2]"
    assert xq.lead_of(text) == "Die **Panthers** gaben 308  Punkte ab."
    assert xq.contains_any(["panthers gaben 308 punkte"], xq.lead_of(text))
    assert not xq.contains_any(["24 Interceptions"], xq.lead_of(text))
    assert xq.contains_any(["xyz", "24 interceptions"], text)
    assert xq.lead_of("Ohne Marker.") == "Ohne Marker."


def test_pdf_format_needs_the_office_pdf_writer(tmp_path, monkeypatch, source):
    monkeypatch.setattr(xq, "OFFICE_PDFS", tmp_path / "missing" / "office_pdfs.py")
    with pytest.raises(RuntimeError, match="write_office_pdf"):
        xq.write_corpus(xq.load_articles(source)[:1], tmp_path / "corpus", "pdf")


@pytest.fixture(scope="module")
def run(tmp_path_factory, source):
    """Two indexed articles and one left out, indexed with the real embedding model, every question asked."""
    work = tmp_path_factory.mktemp("xquad")
    articles = [a for a in xq.load_articles(source) if a.index in ARTICLES]
    assistant = xq.prepare(articles, "md", work)
    questions = [q for q in xq.load_questions(source) if q.article in ARTICLES]
    return work, articles, questions, xq.ask_all(assistant, questions)


@pytest.mark.slow
def test_only_the_kept_articles_are_indexed_and_the_cache_is_reused(run):
    work, articles, _, _ = run
    files = sorted((work / "corpus").iterdir())
    kept = [a for a in articles if not xq.is_left_out(a.index)]
    assert [f.name for f in files] == sorted(f"{a.slug}.md" for a in kept) and len(kept) == 2
    assert files[0].read_text(encoding="utf-8").startswith(f"# {kept[0].title}\n\n{kept[0].paragraphs[0]}")
    before = {f: f.stat().st_mtime_ns for f in files}
    xq.prepare(articles, "md", work)  # same source: the folder is not rewritten
    assert {f: f.stat().st_mtime_ns for f in files} == before


@pytest.mark.slow
def test_metrics_on_real_answers(run):
    _, _, questions, results = run
    assert [r.id for r in results] == [q.id for q in questions]
    left_out = [r for r in results if not r.indexed]
    assert left_out and all(r.article == 3 for r in left_out)
    m = xq.summarise(results)
    assert m["n_left_out"] == len(left_out) and m["n_answerable"] == len(results) - len(left_out)
    assert m["left_out_refused"] == pytest.approx(sum(r.refused for r in left_out) / len(left_out))
    answerable = [r for r in results if r.indexed]
    assert m["answerable_refused"] == pytest.approx(sum(r.refused for r in answerable) / len(answerable))
    assert m["lead_span"] <= m["span_anywhere"]
    answered = [r for r in results if not r.refused]
    assert answered, "the assistant answered none of the questions about indexed articles"
    for r in answered:
        # the lead is exactly the text before the first [n]
        first = re.search(r"\[\d+\]", r.answer)
        assert r.lead == (r.answer[: first.start()] if first else r.answer).strip()
        assert r.any_hit == any(" ".join(g.lower().split()) in " ".join(r.answer.lower().replace("*", "")
                                                                       .split()) for g in r.answers)
        assert not r.lead_hit or r.any_hit
    for r in results:
        if r.refused:
            assert not r.lead_hit and not r.any_hit and r.lead == ""


@pytest.mark.slow
def test_lead_metric_separates_lead_from_supporting_statements(run):
    """Golds taken from a real answer: a phrase of the lead counts for both metrics, a phrase that appears
    only after the first marker counts for "anywhere" only."""
    _, _, questions, results = run
    by_id = {q.id: q for q in questions}
    r = next(r for r in results if r.indexed and not r.refused and re.search(r"\[\d+\]\s*\S", r.answer.rstrip()))
    q = by_id[r.id]
    lead_words = r.lead.split()
    in_lead = " ".join(lead_words[:3])
    rest = r.answer[len(xq.lead_of(r.answer)):]
    later = next(w for w in re.findall(r"[A-Za-zÄÖÜäöüß]{6,}", rest) if w.lower() not in r.lead.lower())
    hit = xq.judge(xq.XQuestion(q.id, q.article, q.title, q.question, (in_lead,), q.split, True), r.answer, False)
    assert hit.lead_hit and hit.any_hit
    only_later = xq.judge(xq.XQuestion(q.id, q.article, q.title, q.question, ("nicht da", later), q.split, True),
                          r.answer, False)
    assert only_later.any_hit and not only_later.lead_hit
    refused = xq.judge(q, r.answer, True)
    assert not refused.any_hit and not refused.lead_hit
    worst = xq.worst_misses([only_later, hit, refused])
    assert worst["gold span in the answer but not in the lead"] == [only_later]
    assert worst["answerable question refused"] == [refused]
