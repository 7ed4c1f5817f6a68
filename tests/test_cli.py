"""The command line, as a user runs it (a subprocess), on the shipped corpus index."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _run(args, shipped=None, **env):
    full_env = {**os.environ, **env}
    if shipped is not None:
        full_env["GI_INDEX_DIR"] = str(shipped.settings.index_dir)
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=300)


def test_ask_json(shipped):
    r = _run(["ask", "Welche Beschlussnummer hat der Senatsbeschluss?", "--json", "--audience", "staff"], shipped)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert "S-1658/2018" in data["text"] and data["citations"][0]["doc"] == "senatsbeschluss-2018.pdf"


def test_ask_text_lists_sources_with_reconstruction_notice(shipped):
    r = _run(["ask", "Was ist ein Handlungsraum?", "--type", "Übersicht"], shipped)
    assert r.returncode == 0
    assert "Quellen:" in r.stdout and "Nachbildung – kein amtliches Dokument" in r.stdout


def test_errors_are_german_sentences_without_traceback(tmp_path, shipped):
    empty = _run(["ask", "   "], shipped)
    assert empty.returncode == 2 and "Bitte eine Frage eingeben." in empty.stderr
    assert "Traceback" not in empty.stderr
    no_index = _run(["ask", "Was ist die GI?", "--index", str(tmp_path / "nichts")])
    assert no_index.returncode == 2 and "Suchindex ist leer" in no_index.stderr
    missing = _run(["ingest", "--corpus", str(tmp_path / "fehlt"), "--index", str(tmp_path / "i")])
    assert missing.returncode == 2 and "existiert nicht" in missing.stderr
