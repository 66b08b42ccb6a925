"""Scope cases (core/tests/test_endpoint_scope.py) for the duty app's printouts endpoints: URL name → case.

Each ward has a published roster for next week (`_rostered`): An on Tân An's headquarters with Đạt leading, Hoa
leading at An Hòa's. A Tân An commune user gets 404 for An Hòa's roster printouts; a hotline operator (no
duty.view) gets 403 for Tân An's. "My shifts" (page, API, link reset) shows and touches only the caller's own record,
however wide the caller's role. The iCalendar feed is public on purpose: a calendar app cannot log in, so its
secret token is the only key; its case proves that a wrong token is a 404 and that another person's shifts never
appear in it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from phaodai.accounts.roles import Role
from phaodai.testing import TAN_AN, World, make_user

FEED_REASON = (
    "a person's iCalendar feed of their own shifts: calendar apps cannot log in, so the secret token in the address "
    "(256 random bits, replaceable) is the only key; it lists only that person's published shifts"
)


def _rostered(w: World):
    from phaodai.duty.printouts import monday_of
    from phaodai.duty.testing import duty_world
    from phaodai.duty.tests.test_printouts_pdf import Rostered, build_roster, put

    sites = duty_world(w)
    monday = monday_of(timezone.localdate()) + timedelta(days=7)
    tan_an = build_roster(w, [sites.tan_an_hq, sites.tan_an_station], start=monday)
    put(tan_an, sites.tan_an_hq, monday, "Ca sáng", w.staff["an"], leader=w.staff["dat"])
    an_hoa = build_roster(w, [sites.an_hoa_hq], start=monday)
    put(an_hoa, sites.an_hoa_hq, monday, "Ca sáng", leader=w.staff["hoa"])
    return Rostered(sites, tan_an, an_hoa)


def _own_login(w: World, key: str) -> str:
    """A login linked to w.staff[key] (a commune officer: a wide role must still see only its own shifts)."""
    username = f"own_{key}"
    user = make_user(username, Role.COMMUNE, TAN_AN)
    user.staff_member = w.staff[key]
    user.save()
    w.users[username] = user
    return username


def _printout(name: str) -> Callable:
    def case(w, login):
        from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden, assert_lists

        r = _rostered(w)
        c = login("tan_an")
        assert_hidden(c, reverse(name, args=[r.an_hoa.pk]))
        if name == "duty:roster_pdf":
            # A site of another roster, even asked through one's own roster, is not found.
            assert_hidden(c, reverse(name, args=[r.tan_an.pk]) + f"?site={r.sites.an_hoa_hq.pk}")
            assert c.get(reverse(name, args=[r.tan_an.pk])).status_code == 200
        else:
            assert_lists(c, reverse(name, args=[r.tan_an.pk]), ["Nguyễn Văn An"], ["Lê Thị Hoa"])
        assert_forbidden(login("hotline_operator"), reverse(name, args=[r.tan_an.pk]))  # no duty.view
        assert_hidden(login("an_hoa"), reverse(name, args=[r.tan_an.pk]))

    return case


def _my_shifts(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_lists

    _rostered(w)
    assert_lists(login(_own_login(w, "an")), reverse("duty:my_shifts"), ["Trụ sở Ủy ban nhân dân Phường Tân An"], [])
    hoa_sees = ["Trụ sở Ủy ban nhân dân Phường An Hòa"]
    assert_lists(login(_own_login(w, "hoa")), reverse("duty:my_shifts"), hoa_sees, ["Nguyễn Văn An"])
    # A commune officer sees every roster of the ward, but "my shifts" is only their own (they have none).
    assert_lists(login("tan_an"), reverse("duty:my_shifts"), [], ["Nguyễn Văn An", "Trụ sở"])


def _my_shifts_feed_reset(w, login):
    from phaodai.duty.models import CalendarFeed

    _rostered(w)
    c = login(_own_login(w, "an"))
    assert c.post(reverse("duty:my_shifts_feed_reset")).status_code == 302
    assert list(CalendarFeed.objects.values_list("staff_id", flat=True)) == [w.staff["an"].pk]
    login("tan_an").post(reverse("duty:my_shifts_feed_reset"))  # no record: no link, nobody else's
    assert CalendarFeed.objects.count() == 1


def _my_shifts_feed(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_hidden
    from phaodai.duty.my_shifts import reset_feed

    _rostered(w)
    an = w.users[_own_login(w, "an")]
    feed = reset_feed(an)
    c = login("tan_an")
    c.logout()
    body = c.get(reverse("duty:my_shifts_feed", args=[feed.token])).content.decode()
    assert body.count("BEGIN:VEVENT") == 1 and "Phường Tân An" in body
    for other in ("Lê Thị Hoa", "An Hòa", "Trần Đình Đạt", "0987654321"):
        assert other not in body
    assert_hidden(c, reverse("duty:my_shifts_feed", args=[feed.token[:-1] + ("A" if feed.token[-1] != "A" else "B")]))
    assert_hidden(c, reverse("duty:my_shifts_feed", args=["x"]))


_my_shifts_feed.public_reason = FEED_REASON  # type: ignore[attr-defined]


def _api_my_shifts(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_lists

    _rostered(w)
    url = reverse("api:my-shifts-list")
    assert_lists(login(_own_login(w, "an")), url, ["Trụ sở Ủy ban nhân dân Phường Tân An"], ["An Hòa"])
    assert_lists(login(_own_login(w, "hoa")), url, ["An Hòa"], ["Tân An", "Nguyễn Văn An"])
    assert login("tan_an").get(url).json()["count"] == 0  # a wide role, no record: nobody's shifts


CASES: dict = {
    "duty:roster_pdf": _printout("duty:roster_pdf"),
    "duty:roster_xlsx": _printout("duty:roster_xlsx"),
    "duty:my_shifts": _my_shifts,
    "duty:my_shifts_feed_reset": _my_shifts_feed_reset,
    "duty:my_shifts_feed": _my_shifts_feed,
    "api:my-shifts-list": _api_my_shifts,
}
