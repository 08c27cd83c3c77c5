"""The hostile-input corpus (issue #8) and what every answer to it is held to.

Values are named so a failure says which one broke what. Strings go everywhere text can go (JSON
string fields, form fields, path and query parameters); raw JSON values (numbers no float or int64
can hold, deep nesting, a lone surrogate) only into JSON bodies; invalid UTF-8 as bytes."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import msgspec

# Template payloads carry a marker, so "rendered" is `zq49zq`, never a stray 49 of a real page.
SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
STRINGS: dict[str, str] = {
    "nul": "nul\x00byte",
    "sql_or": "' OR 1=1 --",
    "sql_drop": "'; DROP TABLE booking; --",
    "jinja": "zq{{7*7}}zq",
    "jinja_block": "zq{% debug %}zq",
    "dollar": "zq${7*7}zq",
    "script": SCRIPT,
    "image": IMAGE,
    "long": "a" * 100_000,
    "rtl_override": "\u202ekalas\u202c",
    "zero_width_joiner": "\U0001f468\u200d\U0001f469\u200d\U0001f467 ze\u200bro",
    "huge_float_text": "1e308",
    "int64_overflow_text": "9223372036854775808",
    "int64_underflow_text": "-9223372036854775809",
    "googol_cubed_text": "1" + "0" * 1000,
}
# The smaller set for path and query parameters (each one is a whole request per parameter).
URL_STRINGS = (
    "nul",
    "sql_or",
    "jinja",
    "script",
    "image",
    "long",
    "rtl_override",
    "int64_underflow_text",
    "googol_cubed_text",
)
URL_MAX = 8_000
INVALID_UTF8 = "%FF%FEinvalid%C3%28"  # percent-encoded bytes that decode to no UTF-8 text

RAW_JSON: dict[str, str] = {
    "huge_float": "1e308",
    "int64_overflow": str(2**63),
    "int64_underflow": str(-(2**63) - 1),
    "googol_cubed": "1" + "0" * 1000,
    "nested_10000": "[" * 10_000 + "]" * 10_000,
    "lone_surrogate": '"\\ud800"',
}
INVALID_UTF8_JSON = b'"\xff\xfe\xc3\x28"'  # a JSON string whose bytes are no UTF-8
SENTINEL = "__hostile_value__"


def json_values() -> dict[str, bytes]:
    """Every value as the raw JSON text that stands for it in a body."""
    values = {name: msgspec.json.encode(text) for name, text in STRINGS.items()}
    values |= {name: raw.encode() for name, raw in RAW_JSON.items()}
    return values | {"invalid_utf8": INVALID_UTF8_JSON}


def body_with(base: dict[str, Any], field: str, raw: bytes) -> bytes:
    """`base` as JSON with `field` set to the raw JSON value (which msgspec could not encode)."""
    text = msgspec.json.encode({**base, field: SENTINEL})
    return text.replace(msgspec.json.encode(SENTINEL), raw, 1)


def url_value(name: str) -> str:
    """A hostile string percent-encoded for a path segment or query value."""
    if name == "invalid_utf8":
        return INVALID_UTF8
    # httpx refuses URLs over 64 KiB (and servers stop far earlier): 8,000 characters here.
    return quote(STRINGS[name][:URL_MAX], safe="")


LEAKS = re.compile(
    r"Traceback \(most recent call last\)|sqlite3\.|asyncpg|psycopg|OperationalError"
    r"|IntegrityError|ProgrammingError|DataError|syntax error at or near|UndefinedTable"
    r"|unterminated quoted string|RecursionError|File \"/"
)
RENDERED = ("zq49zq", SCRIPT, IMAGE.removeprefix('"'))


def answer_problems(what: str, response: Any) -> list[str]:
    """Never a 5xx, never a traceback or SQL error, never injected markup back unescaped."""
    problems = []
    text = response.text
    if response.status_code >= 500:
        problems.append(f"{what}: {response.status_code} {text[:200]}")
    if leak := LEAKS.search(text):
        problems.append(f"{what}: leaks {leak.group(0)!r} ({response.status_code})")
    if response.headers.get("content-type", "").startswith("text/html"):
        problems += [f"{what}: {raw!r} came back unescaped" for raw in RENDERED if raw in text]
    return problems


class FormParser(HTMLParser):
    """Every POST form of a page: its action and its fields with the values the page gave them
    (hidden inputs, defaults, checked boxes, the selected option, the first submit button)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._open: tuple[str, str] | None = None  # the select or textarea being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action", ""), self._fields))
        fields = self._fields
        if fields is None:
            return
        if tag == "option" and self._open and self._open[0] == "select":
            name = self._open[1]
            if "selected" in a or not fields.get(name):
                fields[name] = a.get("value", "")
            return
        if "name" not in a:
            return
        name, kind = a["name"], a.get("type", "text").lower()
        if tag in ("select", "textarea"):
            self._open = (tag, name)
            fields.setdefault(name, "")
        elif kind in ("checkbox", "radio"):
            if "checked" in a or (kind == "radio" and name not in fields):
                fields[name] = a.get("value", "on")
        elif tag in ("input", "button") and (kind != "submit" or name not in fields):
            fields[name] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._fields is not None and self._open and self._open[0] == "textarea":
            self._fields[self._open[1]] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag in ("select", "textarea"):
            self._open = None


def page_forms(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms
