"""Command line: ``python -m assistant ingest|ask|search|eval|feedback export|bench|serve``. A thin layer over
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

    p = sub.add_parser("bench", help="Ingest- und Antwortzeiten messen; Berichte nach evals/reports/")
    p.add_argument("--out", type=Path, default=Path("evals/reports"))

    p = sub.add_parser("serve", help="Web-App starten (wie python app.py)")
    _common(p)
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    return parser


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
