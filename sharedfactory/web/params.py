"""Parameter and body markers every JSON route shares: what the OpenAPI says is what the server
takes (the fuzz in tests/web/test_fuzz.py holds the routes to it)."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter

T = TypeVar("T")
# A JSON body whose schema says what the server does: unknown fields are refused.
Strict = Annotated[T, Body(schema_extra={"additionalProperties": False})]

# A stable code: lower-case letters, digits, `-` and `_`, so no NUL or control character reaches
# SQL (PostgreSQL refuses NUL in text, which would otherwise surface as a 500).
CODE = r"^[a-z0-9][a-z0-9_-]{0,63}$"
CodeParam = Annotated[str, Parameter(pattern=CODE, max_length=64, description="stable id")]
OptionalCode = Annotated[
    str | None, Parameter(pattern=CODE, max_length=64, required=False, description="stable id")
]

# A page form's fields, as posted by the browser.
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
