"""GI-Assistent: cited answers from the documents of Berlin's Gemeinschaftsinitiative (GI)."""

from assistant.settings import Settings  # noqa: I001 - sets offline env vars before anything heavy imports
from assistant.core import Assistant

__all__ = ["Assistant", "Settings"]
