"""`/laporan`: the utilisation dashboard for auditors (every house), admins and operators (their
own house): a chart with the numbers beside it, drill-down from the country to a province, a
house and a machine's months, and the rows on the page as CSV, Excel or PDF (`/laporan/unduh`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get
from litestar.params import Parameter
from litestar.response import Template

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.audit.chain import chain_head
from sharedfactory.reports.api import as_file, scope_house
from sharedfactory.reports.exports import ReportFile
from sharedfactory.reports.load import Period, load_facts
from sharedfactory.reports.utilisation import Row, machine_periods
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import OptionalCode
from sharedfactory.web.report_views import WIB, Level, chart_data, month_period, percent, rows_at

Month = Annotated[
    str | None, Parameter(required=False, pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", max_length=7)
]
Province = Annotated[str | None, Parameter(required=False, min_length=1, max_length=100)]
FileFormat = Annotated[Literal["csv", "xlsx", "pdf"], Parameter(description="the file")]
IDLE_BELOW = 0.2


def _this_month() -> str:
    return datetime.now(WIB).strftime("%Y-%m")


async def _report(
    login: Viewer, month: str, level: Level, lang: str
) -> tuple[Period, list[Row], str]:
    """The rows at this level (a machine's level: its last twelve months) and the audit head."""
    period = month_period(month, 12 if level.machine else 1)
    facts = await load_facts(period, level.group == "month", scope_house(login))
    rows = rows_at(machine_periods(facts), level, IDLE_BELOW, lang)
    return period, rows, await chain_head()


class ReportPages(Controller):
    include_in_schema = False

    @get("/laporan", name="report_dashboard")
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        lang: Language = None,
        bulan: Month = None,
        provinsi: Province = None,
        rumah: OptionalCode = None,
        mesin: OptionalCode = None,
    ) -> Template:
        context = page_context(request, lang, login)
        month, level = bulan or _this_month(), Level(provinsi, rumah, mesin)
        period, rows, head = await _report(login, month, level, context["lang"])
        context |= {
            "month": month,
            "level": level,
            "rows": rows,
            "percent": percent,
            "chart": json.dumps(chart_data(rows)),
            "audit_head": head,
            "period": period,
            "query": {"bulan": month, "provinsi": provinsi, "rumah": rumah, "mesin": mesin},
            "idle_below": IDLE_BELOW,
        }
        return remember_language(Template("pages/report.html", context=context), lang)

    @get("/laporan/unduh", name="report_download")
    async def download(
        self,
        login: Login,
        format: FileFormat,
        lang: Language = None,
        bulan: Month = None,
        provinsi: Province = None,
        rumah: OptionalCode = None,
        mesin: OptionalCode = None,
    ) -> Response[Any]:
        language = lang or "id"
        month, level = bulan or _this_month(), Level(provinsi, rumah, mesin)
        period, rows, head = await _report(login, month, level, language)
        report = ReportFile(
            rows,
            head,
            period.start.isoformat(),
            period.end.isoformat(),
            level.group,
            IDLE_BELOW,
            datetime.now(UTC).isoformat(timespec="seconds"),
            language if language in ("id", "en") else "id",
        )
        return await as_file(report, format)
