"""Gettext catalogues: English message ids, Bahasa Indonesia the default language.

The `.po` files are the source of truth and are compiled in memory at start-up, so there is no
build step and no compiled file to forget.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


def choose_language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translations(language: str) -> NullTranslations:
    """Every `.po` file of the language, merged (one file per area of the application)."""
    paths = sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))
    if not paths:
        return NullTranslations()  # English: the message ids themselves
    catalog = _read(paths[0], language)
    for path in paths[1:]:
        for message in _read(path, language):
            if message.id:
                catalog[message.id] = message
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=language)


def gettext_for(language: str) -> Callable[[str], str]:
    return translations(choose_language(language)).gettext
