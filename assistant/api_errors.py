"""German error answers for the HTTP API: request validation (FastAPI's 422, English pydantic text otherwise),
unknown addresses and methods (404/405, "Not Found" otherwise) and unexpected failures in ``/api/*`` (500, never a
stack trace). Status codes stay as they are; only the text a person or program reads becomes German."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.routing import Match

log = logging.getLogger("assistant.api")

API_PREFIX = "/api/"
INTERNAL_ERROR = "Es ist ein interner Fehler aufgetreten. Bitte versuchen Sie es später noch einmal."
NOT_FOUND = "Diese Adresse gibt es nicht."
API_NOT_FOUND = "Diese Adresse gibt es in der API nicht. Die Beschreibung aller Adressen steht unter /api/docs."
METHOD_NOT_ALLOWED = "Diese Adresse kann nicht mit {method} aufgerufen werden, nur mit {allowed}."
# The English details Starlette and FastAPI write for their own 404/405 (inside Gradio's mounted app as well).
GERMAN_DETAILS = {"Not Found": NOT_FOUND, "Method Not Allowed": "Diese Methode ist für diese Adresse nicht erlaubt."}
WHERE = {"body": "Feld", "query": "Parameter", "path": "Teil der Adresse", "header": "Kopfzeile",
         "cookie": "Cookie"}

# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) as German predicates;
# {…} are filled from the error's ctx.
PROBLEMS = {
    "missing": "fehlt",
    "string_type": "muss Text sein",
    "int_type": "muss eine ganze Zahl sein",
    "int_parsing": "muss eine ganze Zahl sein",
    "float_type": "muss eine Zahl sein",
    "float_parsing": "muss eine Zahl sein",
    "bool_type": "muss true oder false sein",
    "bool_parsing": "muss true oder false sein",
    "list_type": "muss eine Liste sein",
    "dict_type": "muss ein JSON-Objekt sein",
    "model_type": "muss ein JSON-Objekt sein",
    "model_attributes_type": "muss ein JSON-Objekt sein",
    "literal_error": "muss einer dieser Werte sein: {expected}",
    "enum": "muss einer dieser Werte sein: {expected}",
    "string_too_short": "ist zu kurz (mindestens {min_length} Zeichen)",
    "string_too_long": "ist zu lang (höchstens {max_length} Zeichen)",
    "too_short": "hat zu wenige Einträge (mindestens {min_length})",
    "too_long": "hat zu viele Einträge (höchstens {max_length})",
    "extra_forbidden": "ist unbekannt",
    "string_unicode": "muss gültiger Unicode-Text sein",
}


def _field(loc: tuple | list) -> tuple[str, str]:
    """Where the error is ("Feld", "Parameter" …) and the field's dotted name ("items.3.id")."""
    where = WHERE.get(str(loc[0]), "Feld") if loc else "Feld"
    name = ".".join(str(part) for part in loc[1:])
    return where, name


def _or_list(expected: str) -> str:
    return expected.replace(" or ", " oder ")


def german_error(error: dict) -> str:
    """One pydantic error as a German sentence naming the field and the problem."""
    kind = error.get("type", "")
    ctx = {k: _or_list(str(v)) for k, v in (error.get("ctx") or {}).items()}
    where, name = _field(error.get("loc") or ())
    if kind == "json_invalid":
        return f"Der Inhalt der Anfrage ist kein gültiges JSON ({ctx.get('error', 'Syntaxfehler')})."
    if not name:  # the whole body
        if kind == "missing":
            return "Die Anfrage hat keinen Inhalt; erwartet wird ein JSON-Objekt."
        return "Der Inhalt der Anfrage muss ein JSON-Objekt sein (mit Content-Type: application/json)."
    problem = PROBLEMS.get(kind, "ist ungültig")
    try:
        problem = problem.format(**ctx)
    except KeyError:
        problem = "ist ungültig"
    if kind == "missing" and where == "Parameter":
        return f"Der Parameter „{name}“ fehlt in der Adresse (?{name}=…)."
    article = "Der" if where in ("Parameter", "Teil der Adresse") else "Das" if where in ("Feld", "Cookie") else "Die"
    return f"{article} {where} „{name}“ {problem}."


def _allowed_methods(app: FastAPI, scope: dict) -> set[str]:
    """The methods of the app's own routes whose path matches (a partial match: only the method differs)."""
    methods: set[str] = set()
    for route in app.routes:
        if isinstance(route, APIRoute) and route.name != "api_unknown":
            match, _ = route.matches(scope)
            if match == Match.PARTIAL:
                methods |= route.methods or set()
    return methods


def install(app: FastAPI) -> None:
    """The validation handler, the /api/* catch-all (German 404/405; register after all API routes and before
    mounting the UI, which otherwise answers them) and the middleware."""

    @app.exception_handler(RequestValidationError)
    async def validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [dict(e) for e in exc.errors()]
        sentences = list(dict.fromkeys(german_error(e) for e in errors))
        detail = " ".join(sentences) if len(sentences) <= 3 else " ".join(sentences[:3]) + \
            f" (und {len(sentences) - 3} weitere Fehler)"
        # the original entries stay for programs, without the echoed input (it may be large or private)
        plain = [{k: v for k, v in e.items() if k in ("type", "loc", "msg", "ctx")} for e in errors]
        return JSONResponse({"detail": detail, "errors": json.loads(json.dumps(plain, default=str))},
                            status_code=422)

    @app.api_route(API_PREFIX + "{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
                   include_in_schema=False, name="api_unknown")
    async def api_unknown(request: Request) -> JSONResponse:
        allowed = _allowed_methods(app, request.scope)
        if allowed:
            text = METHOD_NOT_ALLOWED.format(method=request.method, allowed=", ".join(sorted(allowed)))
            return JSONResponse({"detail": text}, status_code=405, headers={"Allow": ", ".join(sorted(allowed))})
        return JSONResponse({"detail": API_NOT_FOUND}, status_code=404)

    app.add_middleware(GermanErrors)


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class GermanErrors:
    """ASGI middleware: an unexpected exception under /api/ becomes a logged 500 with a German message; an English
    404/405 detail from anywhere (e.g. Gradio's mounted app) becomes German. Pure ASGI, so streamed answers
    (Gradio's event stream) pass through untouched."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        held: Message | None = None  # the start of a 404/405 JSON answer, until its body is known
        body = b""

        async def guarded(message: Message) -> None:
            nonlocal started, held, body
            if message["type"] == "http.response.start":
                started = True
                headers = dict(message.get("headers") or [])
                if message["status"] in (404, 405) and headers.get(b"content-type", b"").startswith(
                        b"application/json"):
                    held = message
                    return
            elif message["type"] == "http.response.body" and held is not None:
                body += message.get("body", b"")
                if message.get("more_body"):
                    return
                body = _germanised(body)
                headers = [(k, v) for k, v in held.get("headers") or [] if k != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**held, "headers": headers})
                held = None
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        try:
            await self.app(scope, receive, guarded)
        except Exception:
            if started or not scope["path"].startswith(API_PREFIX):
                raise
            log.exception("unexpected error in %s %s", scope.get("method"), scope["path"])
            await JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)(scope, receive, send)


def _germanised(body: bytes) -> bytes:
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if isinstance(data, dict) and data.get("detail") in GERMAN_DETAILS:
        data["detail"] = GERMAN_DETAILS[data["detail"]]
        return json.dumps(data, ensure_ascii=False).encode()
    return body
