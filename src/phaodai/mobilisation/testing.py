"""Builders for mobilisation tests, on top of phaodai.testing's world (Cần Thơ, Tân An, An Hòa, ...)."""

from __future__ import annotations

from datetime import date

from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    MobilisationDecision,
    RequestStatus,
    RequestTarget,
    StaffingRequest,
    Task,
)
from phaodai.places.models import AdminUnit
from phaodai.testing import CITY, World


def make_request(
    w: World,
    targets: dict[str, int],
    start: date = date(2021, 8, 16),
    end: date = date(2021, 8, 29),
    task: str = Task.SAMPLING,
    status: str = RequestStatus.APPROVED,
    by: str = "health",
) -> StaffingRequest:
    request = StaffingRequest.objects.create(
        title="Hỗ trợ lấy mẫu xét nghiệm",
        task=task,
        origin_unit=AdminUnit.objects.get(code=CITY),
        requested_by=w.users[by],
        start_date=start,
        end_date=end,
        status=status,
    )
    for code, people in targets.items():
        RequestTarget.objects.create(request=request, commune=AdminUnit.objects.get(code=code), people_requested=people)
    return request


def make_decision(w: World, by: str = "home_affairs") -> MobilisationDecision:
    return MobilisationDecision.objects.create(issuing_unit=AdminUnit.objects.get(code=CITY), created_by=w.users[by])


def assign(decision, target, staff, start=None, end=None, state=AssignmentState.APPROVED) -> Assignment:
    return Assignment.objects.create(
        decision=decision,
        target=target,
        staff=staff,
        agency=staff.agency,
        start_date=start or target.request.start_date,
        end_date=end or target.request.end_date,
        state=state,
    )
