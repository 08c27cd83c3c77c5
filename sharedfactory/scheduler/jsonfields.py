"""Typed readers for JSON values that report errors with their JSON path."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sharedfactory.scheduler.problem import Interval


class ProblemError(ValueError):
    """Invalid problem or solution input; `path` is the JSON path of the offending value."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def object_field(data: object, path: str) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise ProblemError(path, "must be an object")
    return data


def list_field(data: object, path: str) -> list[Any]:
    if not isinstance(data, list):
        raise ProblemError(path, "must be a list")
    return data


def str_field(data: object, path: str) -> str:
    if not isinstance(data, str) or not data:
        raise ProblemError(path, "must be a non-empty string")
    return data


def bool_field(data: object, path: str) -> bool:
    if not isinstance(data, bool):
        raise ProblemError(path, "must be true or false")
    return data


def number_field(data: object, path: str) -> float:
    if isinstance(data, bool) or not isinstance(data, int | float):
        raise ProblemError(path, "must be a number")
    if not math.isfinite(data) or data < 0:
        raise ProblemError(path, "must be a finite number >= 0")
    return float(data)


def minutes_field(data: object, path: str, *, positive: bool) -> int:
    if isinstance(data, float) and data.is_integer():
        data = int(data)
    if isinstance(data, bool) or not isinstance(data, int):
        raise ProblemError(path, "must be a whole number of minutes")
    if data < (1 if positive else 0):
        raise ProblemError(path, "must be a positive number of minutes" if positive else ">= 0")
    return data


def datetime_field(data: object, path: str) -> datetime:
    if not isinstance(data, str):
        raise ProblemError(path, "must be an ISO 8601 datetime string with a UTC offset")
    try:
        value = datetime.fromisoformat(data)
    except ValueError:
        raise ProblemError(path, f"not an ISO 8601 datetime: {data!r}") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ProblemError(path, f"datetime needs a UTC offset: {data!r}")
    return value


def require_keys(obj: Mapping[str, Any], path: str, required: set[str]) -> None:
    """Unknown keys are tolerated: the contract lets fields be added."""
    for key in sorted(required):
        if obj.get(key) is None:
            raise ProblemError(f"{path}.{key}" if path else key, "is required")


class Clock:
    def __init__(self, start: datetime) -> None:
        self.start = start

    def minute(self, data: object, path: str) -> int:
        value = datetime_field(data, path)
        seconds = (value - self.start).total_seconds()
        if seconds % 60:
            raise ProblemError(path, "must fall on a whole minute")
        return int(seconds // 60)

    def windows(self, data: object, path: str, default: Interval) -> tuple[Interval, ...]:
        """Sorted windows, clipped to the horizon `default` (parts outside it are dropped)."""
        if data is None:
            return (default,)
        result = []
        for i, item in enumerate(list_field(data, path)):
            p = f"{path}[{i}]"
            pair = list_field(item, p)
            if len(pair) != 2:
                raise ProblemError(p, "must be a [start, end] pair")
            start, end = self.minute(pair[0], f"{p}[0]"), self.minute(pair[1], f"{p}[1]")
            if end <= start:
                raise ProblemError(p, "window end must be after its start")
            clipped = (max(start, default[0]), min(end, default[1]))
            if clipped[0] < clipped[1]:
                result.append(clipped)
        return tuple(sorted(result))


def unique_ids(ids: list[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            raise ProblemError(f"{path}[{i}].id", f"duplicate {what} id {ident!r}")
        seen.add(ident)
