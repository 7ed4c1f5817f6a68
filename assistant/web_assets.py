"""The web app's own scripts (``assistant/static/``), served from ``/gi-static/`` and loaded in the page head.
Each is a small client of the app's own HTTP API; none loads anything from outside."""

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_URL = "/gi-static"
SCRIPTS = (
    "workspace.js",  # the "Konzept schreiben" tab (assistant/workspace_api.py)
    "chat_copy.js",  # the chat's copy button: the answer as read, with its sources as a plain list
    "chat_scroll.js",  # a new answer scrolls into the chat's view (the newest question at its top)
    "index_status.js",  # the index's state under the page, and a notice while a new generation loads
)
HEAD = "".join(f'<script src="{STATIC_URL}/{name}" defer></script>' for name in SCRIPTS)
