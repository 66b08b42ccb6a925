"""A welfare world for the scope cases: Tân An's and An Hòa's approved food lists, one distribution each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from phaodai.places.models import AdminUnit
from phaodai.testing import AN_HOA, TAN_AN
from phaodai.welfare import distributions, lists
from phaodai.welfare.models import SupportList
from phaodai.welfare.testing import WelfareWorld, welfare_world

TAN_AN_HEAD, AN_HOA_HEAD = "Nguyễn Văn Bảy", "Võ Văn Sáu"


@dataclass
class ScopeWorld:
    ww: WelfareWorld
    tan_an_list: SupportList
    an_hoa_list: SupportList


def scope_world(w) -> ScopeWorld:
    ww = welfare_world(w)
    made = []
    for user, code, key in ((w.tan_an, TAN_AN, "bay"), (w.an_hoa, AN_HOA, "sau")):
        sl = lists.create_list(user, ww.food, AdminUnit.objects.get(code=code))
        entry = lists.add_entry(user, sl, ww.households[key])
        lists.submit(user, sl)
        lists.check(w.ninh_kieu, sl)
        lists.approve(w.steering, sl)
        distributions.record(user, entry, received_on=date(2021, 8, 1), given_by="Tổ", today=date(2021, 9, 1))
        made.append(sl)
    return ScopeWorld(ww, *made)
