"""Command line: ``python -m assistant ingest|ask|search|outline|eval|feedback export|bench|serve``. A thin layer over
``Assistant``; errors are printed as German sentences (no stack traces) with exit code 2."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from assistant.settings import Settings


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", type=Path, help="Korpus-Ordner (Standard: corpus/, oder GI_CORPUS_DIR)")
    p.add_argument("--index", type=Path, help="Index-Ordner (Standard: index/, oder GI_INDEX_DIR)")


def _question_command(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    """ask and search share folders, filters, the question and JSON output."""
    p = sub.add_parser(name, help=help_text)
    _common(p)
    p.add_argument("--doc", action="append", default=[], help="nur dieses Dokument (Dateiname), mehrfach möglich")
    p.add_argument("--type", action="append", default=[], help="nur dieser Dokumenttyp, z. B. Leitfaden")
    p.add_argument("--area", action="append", default=[], help="nur dieser Handlungsraum, z. B. Marzahn-Nord")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="GI-Assistent")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="Dokumente indexieren (nur neue oder geänderte Dateien)")
    _common(p)
    p.add_argument("--rebuild", action="store_true", help="Index verwerfen und neu aufbauen")
    p.add_argument("--quiet", action="store_true", help="ohne Fortschrittsbalken")
    p.add_argument("--watch", action="store_true",
                   help="danach den Korpus-Ordner beobachten und bei Änderungen neu indexieren (Strg+C beendet)")

    p = _question_command(sub, "ask", "eine Frage beantworten")
    p.add_argument("--audience", default="general", help="general | staff | citizen")

    p = _question_command(sub, "search", "nur suchen: die besten Abschnitte zeigen")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--mode", choices=["hybrid", "bm25", "dense"])

    p = sub.add_parser("eval", help="Fragenkatalog auswerten; Berichte nach evals/reports/")
    _common(p)
    p.add_argument("--questions", type=Path, help="Fragendatei (Standard: evals/questions.jsonl des Projekts)")
    p.add_argument("--out", type=Path, help="Berichtsordner (Standard: evals/reports/, mit --configs, --compare "
                                            "oder --fail-under: auswertung-<Name> neben der Fragendatei)")
    p.add_argument("--skip-germanquad", action="store_true")
    p.add_argument("--skip-scale", action="store_true")
    p.add_argument("--skip-tuning", action="store_true", help="ohne Messung von Abschnittsgröße und Gewichten")
    p.add_argument("--scale-sizes", default="10000,100000")
    from assistant.eval_runner import add_file_options

    add_file_options(p)

    p = sub.add_parser("feedback", help="gespeicherte Bewertungen weiterverwenden")
    fsub = p.add_subparsers(dest="feedback_command", required=True)
    p = fsub.add_parser("export", help="Bewertungen als Gerüst einer Fragendatei ausgeben")
    p.add_argument("--questions", type=Path, required=True, metavar="OUT.jsonl", help="zu schreibende Fragendatei")
    p.add_argument("--feedback", type=Path, help="Rückmeldungsdatei (Standard: feedback/feedback.jsonl, oder "
                                                 "GI_FEEDBACK_PATH)")
    p.add_argument("--rating", choices=["all", "down", "up"], default="all", help="nur 👎 (down) oder 👍 (up)")
    p.add_argument("--overwrite", action="store_true", help="eine vorhandene Datei ersetzen")

    p = sub.add_parser("outline", help="Kapitel eines Handlungskonzepts vorbereiten: Anforderungen, Beispiele, "
                                       "Zahlen, Stolpersteine und Lücken mit Belegen (auch als DOCX/Markdown)")
    _common(p)
    p.add_argument("chapter", nargs="?", help="Kapitel: Nummer („4.3“), Titel oder ein Teil davon; ohne: Liste")
    p.add_argument("--area", help="Handlungsraum, z. B. Marzahn-Nord")
    p.add_argument("--docx", type=Path, help="als Word-Datei speichern")
    p.add_argument("--md", type=Path, help="als Markdown speichern")
    p.add_argument("--json", action="store_true", help="Gliederung als JSON ausgeben")
    p.add_argument("--base-url", help="Adresse der Web-App für die Links der Quellen (Standard: GI_PUBLIC_URL, "
                                      "sonst http://HOST:PORT)")

    p = sub.add_parser("bench", help="Ingest- und Antwortzeiten messen; Berichte nach evals/reports/")
    p.add_argument("--out", type=Path, default=Path("evals/reports"))

    p = sub.add_parser("serve", help="Web-App starten (wie python app.py)")
    _common(p)
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    return parser


def _outline(assistant, args: argparse.Namespace) -> int:
    """``outline``: the chapters when none is named, else the chapter's outline as text (or JSON) and files."""
    from assistant.outline import Workspace
    from assistant.outline_export import apply_edits, to_docx, to_markdown, to_text

    workspace = Workspace(assistant)
    if not args.chapter:
        for c in workspace.chapters():
            print("  " * (c.level - 1) + c.title)
        print("Handlungsräume: " + ", ".join(workspace.areas()))
        return 0
    outline = workspace.outline(args.chapter, args.area)
    if args.json:
        print(json.dumps(outline.to_dict(), ensure_ascii=False, indent=1))
        return 0
    s = assistant.settings
    export = apply_edits(outline, None, base_url=args.base_url or s.public_url or f"http://{s.host}:{s.port}")
    print(to_text(export), end="")
    for path, data in ((args.docx, lambda: to_docx(export)), (args.md, lambda: to_markdown(export).encode())):
        if path:
            path.write_bytes(data())
            print(f"Gespeichert: {path}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    overrides = {"corpus_dir": getattr(args, "corpus", None), "index_dir": getattr(args, "index", None)}
    from assistant.core import Assistant
    from assistant.errors import UserFacingError

    try:
        settings = Settings.load(**overrides)
        if args.command == "ingest":
            assistant = Assistant(settings)
            if args.watch:
                from assistant.watch import watch_corpus

                rebuild = [args.rebuild]  # --rebuild applies to the first run only

                def run():
                    report = assistant.ingest(rebuild=rebuild[0], progress=not args.quiet)
                    rebuild[0] = False
                    return report

                return watch_corpus(settings.corpus_dir, run, debounce_s=settings.watch_debounce_s)
            report = assistant.ingest(rebuild=args.rebuild, progress=not args.quiet)
            print(report.summary())
            return 0
        if args.command in ("ask", "search"):
            assistant = Assistant(settings)
            filters = {"docs": args.doc, "types": args.type, "areas": args.area}
            if args.command == "search":
                passages = assistant.search(args.question, args.k, filters, args.mode)
                if args.json:
                    print(json.dumps([p.__dict__ for p in passages], ensure_ascii=False, indent=1))
                for i, p in enumerate(passages, start=1):
                    if not args.json:
                        print(f"[{i}] {p.title} – S. {p.page_label} – {p.section} (score {p.score:.4f})")
                        print("    " + p.text[:300].replace("\n", " "))
                return 0
            answer = assistant.ask(args.question, audience=args.audience, filters=filters)
            if args.json:
                print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1))
            else:
                print(answer.text)
                if answer.notice:
                    print(f"\nHinweis: {answer.notice}")
                if answer.citations:
                    print("\nQuellen:")
                for c in answer.citations:
                    mark = f" ({c.notice})" if c.notice else ""
                    print(f"[{c.n}] {c.title}{mark}, {c.type}, Stand {c.stand}, S. {c.page_label} "
                          f"(PDF-Seite {c.page}), {c.section or '–'}")
            return 0
        if args.command == "eval":
            from assistant.eval_runner import file_run_requested, run_all, run_file_from_args
            from assistant.settings import PROJECT_ROOT

            if file_run_requested(args):
                return run_file_from_args(settings, args)
            run_all(settings, (args.questions or PROJECT_ROOT / "evals" / "questions.jsonl").resolve(),
                    (args.out or PROJECT_ROOT / "evals" / "reports").resolve(), germanquad=not args.skip_germanquad,
                    scale=not args.skip_scale, scale_sizes=[int(x) for x in args.scale_sizes.split(",") if x],
                    tuning=not args.skip_tuning)
            return 0
        if args.command == "feedback":
            from assistant.feedback import export_questions

            source = (args.feedback or settings.feedback_path).resolve()
            ratings = ("up", "down") if args.rating == "all" else (args.rating,)
            n = export_questions(source, args.questions.resolve(), ratings=ratings, overwrite=args.overwrite)
            print(f"{n} Fragen aus {source} nach {args.questions.resolve()} geschrieben. Bitte bei jeder Frage "
                  "„answer“ und „doc“ ausfüllen (Platzhalter „BITTE AUSFÜLLEN“); „feedback“ darf stehen bleiben.")
            return 0
        if args.command == "outline":
            return _outline(Assistant(settings), args)
        if args.command == "bench":
            from assistant.bench import run_benchmarks

            run_benchmarks(args.out)
            return 0
        if args.command == "serve":
            from assistant.ui import serve

            serve(settings, host=args.host, port=args.port)
            return 0
    except UserFacingError as exc:
        print(f"Fehler: {exc.reason}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Abgebrochen.", file=sys.stderr)
        return 130
    return 1


if __name__ == "__main__":
    sys.exit(main())
