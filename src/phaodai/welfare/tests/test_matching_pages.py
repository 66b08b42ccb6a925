"""The review pages and API: the pair side by side with the fields that agree or differ, the decision, the runs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from phaodai.mobilisation.tests.test_views import english
from phaodai.places.models import AdminUnit
from phaodai.testing import TAN_AN
from phaodai.welfare import review
from phaodai.welfare.models import MatchCandidate, MatchDecision, MatchState, Person
from phaodai.welfare.tests.test_matching_review import keys, matched


@pytest.fixture
def m(world):
    return matched(world)


def test_run_from_the_queue_then_review_side_by_side_and_merge(world, m, client_for):
    client = english(client_for(world.tan_an))
    commune = AdminUnit.objects.get(code=TAN_AN)
    response = client.post(reverse("welfare:match_run_commune"), {"commune": commune.pk}, follow=True)
    assert "possible duplicates to review" in response.content.decode()
    left, right = keys(m.ww.people["bay"], m.bay_again)
    candidate = MatchCandidate.objects.get(left_key=left, right_key=right)
    queue = client.get(reverse("welfare:match_queue")).content.decode()
    assert reverse("welfare:match_detail", args=[candidate.pk]) in queue
    page = client.get(reverse("welfare:match_detail", args=[candidate.pk])).content.decode()
    assert "Nguyễn Văn Bảy" in page and "Nguyen Van Bay" in page
    assert "day and month swapped" not in page and "Date of birth" in page and "agree" in page
    response = client.post(reverse("welfare:match_decide", args=[candidate.pk]), {"same": "yes"}, follow=True)
    assert "Recorded: the same." in response.content.decode()
    assert not Person.objects.filter(pk=m.bay_again.pk).exists()
    assert MatchDecision.objects.get(left_key=left).decided_by == world.tan_an


def test_the_api_lists_decides_and_runs(world, m, api):
    client = api(world.tan_an)
    result = client.post(reverse("api:match-candidates-run"), {"commune": AdminUnit.objects.get(code=TAN_AN).pk})
    assert result.status_code == 200 and result.json()["proposed"] >= 1
    listed = client.get(reverse("api:match-candidates-list"), {"state": "pending"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    left, right = keys(m.ww.people["bay"], m.bay_again)
    row = next(r for r in rows if (r["left_key"], r["right_key"]) == (left, right))
    assert row["comparison"]["birth"]["state"] == "agree"
    url = reverse("api:match-candidates-decide", args=[row["id"]])
    assert client.post(url, {"same": False, "note": "khác người"}).json()["same"] is False
    again = client.post(url, {"same": True})
    assert again.status_code == 400 and "already been decided" in str(again.json())
    assert MatchCandidate.objects.get(pk=row["id"]).state == MatchState.DIFFERENT
    assert review.decision_for(left, right).note == "khác người"
    assert client.post(reverse("api:match-candidates-run"), {}).status_code == 400
