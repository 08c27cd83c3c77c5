"""PURE: what an alarm's acknowledgement note must be. One rule for the JSON API and the page
form: 3 to 500 printable characters once the spaces around it are trimmed (a note is evidence
that a person saw the alarm and says what was done, so an empty one means nothing)."""

from __future__ import annotations

import re

NOTE_MIN = 3
NOTE_MAX = 500
# The control characters PostgreSQL text refuses (NUL) or a one-line note never holds.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _(text: str) -> str:
    """Marks a message for the catalogue; the page translates it, the API sends it as is."""
    return text


NOTE_TOO_SHORT = _("write at least 3 characters: what was seen and what was done")
NOTE_TOO_LONG = _("write at most 500 characters")
NOTE_ONE_LINE = _("write the note on one line, without control characters")


class NoteRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean_note(raw: str) -> str:
    """The note as stored (trimmed), or NoteRefused with the reason."""
    note = raw.strip()
    if _CONTROLS.search(note):
        raise NoteRefused(NOTE_ONE_LINE)
    if len(note) < NOTE_MIN:
        raise NoteRefused(NOTE_TOO_SHORT)
    if len(note) > NOTE_MAX:
        raise NoteRefused(NOTE_TOO_LONG)
    return note
