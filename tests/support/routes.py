"""Every (method, path) of the app's router, read from `app.routes`: the access tests sweep these,
so a route is checked the day it appears."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from litestar import Litestar
from litestar.routes import HTTPRoute

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Litestar answers these itself for every route (CORS preflight, HEAD of static files).
AUTOMATIC_METHODS = frozenset({"OPTIONS", "HEAD"})


@dataclass(frozen=True)
class AppRoute:
    method: str
    path: str  # Litestar's path, `/houses/{house:str}/rules`
    template: str  # `/houses/{house}/rules`
    params: dict[str, type]

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def is_page(self) -> bool:
        """Page routes take a form with the CSRF token; `/api/` is outside CSRF (app.py)."""
        return not self.path.startswith("/api/")

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def app_routes(app: Litestar, skipped_prefixes: tuple[str, ...] = ()) -> Iterator[AppRoute]:
    """Every route and method a handler of the app answers (OPTIONS and HEAD left out)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(skipped_prefixes):
            continue
        params = {name: p.type for name, p in route.path_parameters.items()}
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - AUTOMATIC_METHODS):
                yield AppRoute(method, route.path, route.path_format, params)


def write_routes(app: Litestar, skipped_prefixes: tuple[str, ...] = ()) -> Iterator[AppRoute]:
    return (r for r in app_routes(app, skipped_prefixes) if r.is_write)
