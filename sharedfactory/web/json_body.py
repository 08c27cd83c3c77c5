"""The JSON body's edge: bytes that are no UTF-8 and nesting deeper than the decoder's recursion
limit escape msgspec as `UnicodeDecodeError` / `RecursionError`, not as its `DecodeError`, so
Litestar let them through as a 500. Here they are a 400 that names the body, like any other
malformed JSON."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException

# A JSON body is a handful of fields; only the evidence upload (5 MB files) needs more.
MAX_BODY_BYTES = 1024 * 1024
MAX_UPLOAD_BYTES = 6 * 1024 * 1024


class JsonCheckedRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            return await super().json()
        except UnicodeDecodeError:
            raise _malformed("the body is not UTF-8 text") from None
        except RecursionError:
            raise _malformed("the body is nested too deeply") from None


def _malformed(message: str) -> ClientException:
    return ClientException(
        "the body is not valid JSON", extra=[{"key": "body", "message": message, "source": "body"}]
    )
