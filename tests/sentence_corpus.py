"""The sentence test corpus: real PDFs built from tests/data/sentences/*.md by scripts/build_test_corpus.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from assistant.documents import Document, load

ROOT = Path(__file__).resolve().parents[1]


def build_sentence_corpus(out: Path) -> dict[str, Document]:
    spec = importlib.util.spec_from_file_location("build_test_corpus", ROOT / "scripts" / "build_test_corpus.py")
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    return {path.name: load(path, out, {}) for path in builder.build(out)}
