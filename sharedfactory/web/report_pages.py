"""`/laporan`: the ministry's dashboard for auditors (every house), admins and operators (their
own house): utilisation and OEE, revenue against energy cost, production and pass rate, each a
chart with its numbers in a table beside it, and the UMKM served; drill-down from the country to
a province, a house and a machine's months, and the page's tables as CSV, Excel or PDF
(`/laporan/unduh`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import Parameter
from litestar.response import Template

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.audit.chain import chain_head
from sharedfactory.reports.api import as_file
from sharedfactory.reports.exports import ReportFile
from sharedfactory.reports.labels import size_name, unit_name
from sharedfactory.reports.load import Period, load_facts
from sharedfactory.reports.load_served import load_served
from sharedfactory.reports.params import electricity_tariff, scope_house
from sharedfactory.reports.served import ServedBusiness
from sharedfactory.reports.utilisation import Row, machine_periods
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import OptionalCode
from sharedfactory.web.report_views import (
    WIB,
    Level,
    chart_data,
    money_chart,
    month_period,
    percent,
    production_chart,
    rows_at,
    script_json,
    served_day,
    tariff_text,
)

Month = Annotated[
    str | None, Parameter(required=False, pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", max_length=7)
]
# No control characters: PostgreSQL refuses NUL in text (a 500 there).
Province = Annotated[
    str | None,
    Parameter(required=False, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$"),
]
FileFormat = Annotated[Literal["csv", "xlsx", "pdf"], Parameter(description="the file")]
IDLE_BELOW = 0.2


@dataclass(frozen=True)
class Dashboard:
    period: Period
    rows: list[Row]
    served: list[ServedBusiness]
    audit_head: str
    tariff: Decimal


def _this_month() -> str:
    return datetime.now(WIB).strftime("%Y-%m")


async def _report(login: Viewer, state: State, month: str, level: Level, lang: str) -> Dashboard:
    """The rows at this level (a machine's level: its last twelve months), the UMKM served on
    its machines and the audit head."""
    period = month_period(month, 12 if level.machine else 1)
    house, tariff = scope_house(login), electricity_tariff(state, None)
    facts = await load_facts(period, level.group == "month", house)
    rows = rows_at(machine_periods(facts), level, IDLE_BELOW, lang, tariff)
    served = await load_served(period, house, level.only)
    return Dashboard(period, rows, served, await chain_head(), tariff)


class ReportPages(Controller):
    include_in_schema = False

    @get("/laporan", name="report_dashboard")
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        state: State,
        lang: Language = None,
        bulan: Month = None,
        provinsi: Province = None,
        rumah: OptionalCode = None,
        mesin: OptionalCode = None,
    ) -> Template:
        context = page_context(request, lang, login)
        month, level = bulan or _this_month(), Level(provinsi, rumah, mesin)
        found = await _report(login, state, month, level, context["lang"])
        context |= {
            "month": month,
            "level": level,
            "rows": found.rows,
            "served": found.served,
            "percent": percent,
            "chart": script_json(chart_data(found.rows)),
            "money_chart": script_json(money_chart(found.rows)),
            "production_chart": script_json(production_chart(found.rows, context["lang"])),
            "tariff": tariff_text(found.tariff),
            "served_day": served_day,
            "size_text": size_name,
            "unit_text": unit_name,
            "audit_head": found.audit_head,
            "period": found.period,
            "query": {"bulan": month, "provinsi": provinsi, "rumah": rumah, "mesin": mesin},
            "idle_below": IDLE_BELOW,
        }
        return remember_language(Template("pages/report.html", context=context), lang)

    @get("/laporan/unduh", name="report_download")
    async def download(
        self,
        login: Login,
        state: State,
        format: FileFormat,
        lang: Language = None,
        bulan: Month = None,
        provinsi: Province = None,
        rumah: OptionalCode = None,
        mesin: OptionalCode = None,
    ) -> Response[Any]:
        language = lang if lang in ("id", "en") else "id"
        month, level = bulan or _this_month(), Level(provinsi, rumah, mesin)
        found = await _report(login, state, month, level, language)
        report = ReportFile(
            found.rows,
            found.audit_head,
            found.period.start.isoformat(),
            found.period.end.isoformat(),
            level.group,
            IDLE_BELOW,
            datetime.now(UTC).isoformat(timespec="seconds"),
            language,
            found.tariff,
            found.served,
        )
        return await as_file(report, format)
