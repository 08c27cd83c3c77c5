"""What the planning pages show: flexible requests and the optimiser's plans, as plain rows whose
labels are message ids (the templates translate them) and whose times are in the house's zone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sharedfactory.bookings.plans_api import PlanOut
from sharedfactory.bookings.requests import RequestOut
from sharedfactory.bookings.tables import Plan
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.queries import list_houses, list_machines
from sharedfactory.facilities.tables import MachineType
from sharedfactory.i18n.formats import clock, long_date, number
from sharedfactory.web.planning_form import PRIORITIES, _

STATUSES = {
    "pending": _("waiting"),
    "proposed": _("proposed"),
    "scheduled": _("scheduled"),
    "unserved": _("cannot be scheduled"),
    "withdrawn": _("withdrawn"),
}
PLAN_STATUSES = {
    "solving": _("the optimiser is working"),
    "proposed": _("proposal ready"),
    "failed": _("the optimiser failed"),
    "confirmed": _("confirmed"),
    "discarded": _("discarded"),
}
PHASES = {
    "start": _("starting"),
    "greedy": _("first quick schedule"),
    "milp": _("exact optimisation (MILP)"),
    "lns": _("improving the schedule"),
    "done": _("finished"),
}
WITHDRAWABLE = ("pending", "proposed", "unserved")


@dataclass(frozen=True)
class Names:
    """Display names by code, in the person's language."""

    language: str
    types: dict[str, tuple[str, str, str]]  # code -> (name_id, name_en, unit)
    businesses: dict[str, str]
    zones: dict[str, str]  # house -> time zone
    houses: dict[str, str]
    machines: dict[str, str]

    def type_name(self, code: str) -> str:
        found = self.types.get(code)
        return code if found is None else found[0 if self.language == "id" else 1]

    def unit(self, code: str) -> str:
        return self.types.get(code, ("", "", ""))[2]

    def moment(self, when: str | datetime, house: str) -> str:
        zone = self.zones.get(house, "Asia/Jakarta")
        moment = datetime.fromisoformat(when) if isinstance(when, str) else when
        local = moment.astimezone(ZoneInfo(zone))
        return f"{long_date(local.date(), self.language)} {clock(local, zone)}"


async def load_names(language: str, businesses: Iterable[str] = ()) -> Names:
    types = await MachineType.select(
        MachineType.code, MachineType.name_id, MachineType.name_en, MachineType.batch_unit
    ).run()
    wanted = sorted(set(businesses)) or [""]
    firms = (
        await Business.select(Business.code, Business.name).where(Business.code.is_in(wanted)).run()
    )
    houses = await list_houses()
    return Names(
        language,
        {t["code"]: (t["name_id"], t["name_en"], t["batch_unit"]) for t in types},
        {b["code"]: b["name"] for b in firms},
        {h.code: h.timezone for h in houses},
        {h.code: h.name for h in houses},
        {m.code: m.name for m in await list_machines()},
    )


@dataclass(frozen=True)
class RequestRow:
    code: str
    house: str
    business: str
    product: str
    steps: list[str]
    quantity: str
    earliest: str
    deadline: str
    priority: str
    status: str
    status_label: str
    explanation: str
    withdrawable: bool


def request_row(found: RequestOut, names: Names) -> RequestRow:
    unit = names.unit(found.steps[0]) if found.steps else ""
    return RequestRow(
        found.code,
        names.houses.get(found.house, found.house),
        names.businesses.get(found.business, found.business),
        found.product,
        [names.type_name(step) for step in found.steps],
        f"{number(found.quantity)} {unit}".strip(),
        names.moment(found.earliest, found.house),
        names.moment(found.deadline, found.house),
        dict(PRIORITIES).get(str(found.priority), str(found.priority)),
        found.status,
        STATUSES.get(found.status, found.status),
        found.explanation,
        found.status in WITHDRAWABLE,
    )


@dataclass(frozen=True)
class StepRow:
    request: str
    business: str
    step: str
    machine: str
    time: str


@dataclass(frozen=True)
class UnservedRow:
    request: str
    business: str
    reason: str


@dataclass(frozen=True)
class ProgressView:
    elapsed: str
    phase: str
    objective: str
    gap: str


def step_rows(plan: PlanOut, names: Names) -> list[StepRow]:
    rows = []
    for step in sorted(plan.steps, key=lambda s: (s.request, s.starts_at)):
        order, _sep, kind = step.task.rpartition("/")[2].partition("-")
        rows.append(
            StepRow(
                step.request,
                names.businesses.get(step.business, step.business),
                f"{order}. {names.type_name(kind)}",
                names.machines.get(step.machine, step.machine),
                step.label,
            )
        )
    return rows


def unserved_rows(plan: PlanOut, owners: dict[str, str], names: Names) -> list[UnservedRow]:
    return [
        UnservedRow(
            u["request"],
            names.businesses.get(owners.get(u["request"], ""), owners.get(u["request"], "")),
            u["reason"],
        )
        for u in plan.unserved
    ]


def _gap(objective: float, bound: float | None) -> str:
    if bound is None:
        return "–"
    gap = max(0.0, objective - bound) / max(abs(objective), 1e-9)
    return f"{number(round(100 * gap, 1))} %"


def progress_view(plan: PlanOut) -> ProgressView | None:
    """The solver's live figures while it runs, its final ones after; None before any report."""
    found = plan.progress
    if found is None and plan.objective is not None:
        objective = number(round(plan.objective, 1))
        return ProgressView("", PHASES["done"], objective, _gap(plan.objective, plan.bound))
    if found is None:
        return None
    return ProgressView(
        number(found.elapsed),
        PHASES.get(found.phase, found.phase),
        "–" if found.incumbent is None else number(round(found.incumbent, 1)),
        "–" if found.gap is None else f"{number(round(100 * found.gap, 1))} %",
    )


def plan_view(plan: PlanOut, owned: dict[str, RequestOut], names: Names) -> dict[str, Any]:
    """The plan page's figures: live progress, the proposal, and the outcome once confirmed."""
    owners = {code: r.business for code, r in owned.items()}
    codes = sorted({s.request for s in plan.steps} | {u["request"] for u in plan.unserved})
    return {
        "plan": plan,
        "house_name": names.houses.get(plan.house, plan.house),
        "status_label": PLAN_STATUSES.get(plan.status, plan.status),
        "progress": progress_view(plan),
        "steps": step_rows(plan, names),
        "unserved": unserved_rows(plan, owners, names),
        "outcome": [request_row(owned[c], names) for c in codes if c in owned],
    }


async def recent_plans(house: str, names: Names, limit: int = 5) -> list[tuple[int, str, str]]:
    """(id, status, started) of the house's latest plans, newest first."""
    rows = (
        await Plan.select(Plan._meta.primary_key.as_alias("id"), Plan.status, Plan.created_at)
        .where(Plan.house.code == house)
        .order_by(Plan.created_at, ascending=False)
        .limit(limit)
        .run()
    )
    return [
        (p["id"], PLAN_STATUSES.get(p["status"], p["status"]), names.moment(p["created_at"], house))
        for p in rows
    ]
