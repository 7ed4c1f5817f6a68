"""HTTP routes of the staff workspace: ``GET /api/chapters``, ``POST /api/outline``, ``POST /api/outline/export``.
The web tab ("Konzept schreiben") uses exactly these routes, so what a program gets is what a planner sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from assistant.core import IndexNotReady
from assistant.outline import ChapterNotFound, Workspace
from assistant.outline_export import FORMATS, ExportError, apply_edits, file_name, render

MAX_EDITS = 500  # more items than any outline has: a larger body is not from our page


class OutlineRequest(BaseModel):
    chapter: str = Field(..., max_length=300, description="Kapitel: Kennung, Nummer („4.3“) oder Titel(teil)")
    area: str | None = Field(None, max_length=100, description="Handlungsraum, z. B. „Marzahn-Nord“")


class ItemEdit(BaseModel):
    id: str = Field(..., max_length=64)
    checked: bool = False
    note: str = ""


class ExportRequest(OutlineRequest):
    format: Literal["docx", "md", "txt"] = "docx"
    items: list[ItemEdit] | None = Field(None, max_length=MAX_EDITS, description="Reihenfolge, Haken und "
                                         "Notizen der Punkte; fehlende Punkte sind gestrichen. Ohne: alle Punkte.")


def router(workspace: Workspace, check_auth: Callable) -> APIRouter:
    api = APIRouter(dependencies=[Depends(check_auth)])

    def errors(call: Callable):
        try:
            return call()
        except ChapterNotFound as exc:
            raise HTTPException(404, exc.reason) from exc
        except ExportError as exc:
            raise HTTPException(400, exc.reason) from exc
        except IndexNotReady as exc:
            raise HTTPException(503, exc.reason) from exc

    @api.get("/api/chapters")
    def chapters() -> dict:
        """Die Kapitel des Leitfadens (aus dem Index, in Dokumentreihenfolge) und die wählbaren Handlungsräume."""
        return errors(lambda: {"chapters": [c.to_dict() for c in workspace.chapters()], "areas": workspace.areas()})

    @api.post("/api/outline")
    def outline(req: OutlineRequest) -> dict:
        """Gliederung eines Kapitels: Anforderungen des Leitfadens, Beispiele, Zahlen des Gebiets, Stolpersteine und
        Lücken, jeder Punkt mit Beleg [n] (Dokument, Seite, Zitat). Unbekanntes Kapitel oder Gebiet: 404."""
        return errors(lambda: workspace.outline(req.chapter, req.area).to_dict())

    @api.post("/api/outline/export")
    def export(req: ExportRequest, request: Request) -> Response:
        """Die bearbeitete Gliederung als Word-Datei (docx), Markdown (md) oder reiner Text (txt), mit Quellenliste."""
        def build() -> Response:
            outline = workspace.outline(req.chapter, req.area)
            edits = None if req.items is None else [e.model_dump() for e in req.items]
            # links in a file sent to colleagues: the app's public address when one is set (GI_PUBLIC_URL)
            base = workspace.assistant.settings.public_url or str(request.base_url)
            done = apply_edits(outline, edits, base_url=base.rstrip("/"))
            name = file_name(outline, req.format)
            return Response(render(done, req.format), media_type=FORMATS[req.format][0], headers={
                "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"})
        return errors(build)

    return api
