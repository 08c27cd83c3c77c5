"""The documented error answers of the JSON API (Litestar's shape, CONTRACTS.md section 5)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.openapi.datastructures import ResponseSpec


class ErrorBody(msgspec.Struct, omit_defaults=True):
    status_code: int
    detail: str
    extra: list[dict[str, Any]] | dict[str, Any] | None = None


def not_found(what: str) -> dict[int, ResponseSpec]:
    return {404: ResponseSpec(data_container=ErrorBody, description=f"no such {what}")}
