"""Build a test corpus of real PDFs from Markdown drafts (default: tests/data/sentences/), with the same renderer
as the shipped corpus (scripts/build_corpus.py): cover page, running header and footer, printed page labels, PDF
outline, tables as tables. A draft line ``<!-- seitenumbruch -->`` forces a page break, so a test can put a page
break in the middle of a sentence.

Document metadata comes from the draft's first heading (title); no catalogue is needed.
Run: ``python scripts/build_test_corpus.py OUT_DIR [--drafts DIR]``; tests call :func:`build`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_corpus import ROOT, parse_blocks, render_pdf

DEFAULT_DRAFTS = ROOT / "tests" / "data" / "sentences"


def build(out: Path, drafts: Path = DEFAULT_DRAFTS) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for source in sorted(drafts.glob("*.md")):
        blocks = parse_blocks(source.read_text(encoding="utf-8"))
        title = next((b.text for b in blocks if b.kind == "heading"), source.stem)
        meta = {"title": title, "short_title": title[:60], "type": "Testdokument", "stand": "2024",
                "format": "A4"}
        target = out / f"{source.stem}.pdf"
        target.write_bytes(render_pdf(blocks, meta))
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--drafts", type=Path, default=DEFAULT_DRAFTS)
    args = parser.parse_args()
    for path in build(args.out, args.drafts):
        print(f"  {path}")


if __name__ == "__main__":
    main()
