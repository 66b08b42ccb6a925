"""The reporting test world is what the reporting tests assume it is."""

from phaodai.reporting.models import ReportForm
from phaodai.reporting.testing import field_world


def test_the_field_world_has_two_delegations_three_teams_and_linked_logins(world):
    f = field_world(world)
    assert [t.name for t in f.tan_an.teams.order_by("name")] == ["Tổ 1", "Tổ 2"]
    assert world.users["team_leader"].staff_member == f.team_1.leader
    assert world.users["delegation_head"].staff_member == f.tan_an.head
    assert f.an_hoa_team.delegation == f.an_hoa


def test_a_new_database_has_a_version_1_form_for_every_task_and_a_default(db):
    forms = {f.task: f for f in ReportForm.objects.filter(is_active=True)}
    assert set(forms) == {"sampling", "vaccination", "distancing", "data_entry", "welfare", ""}
    for form in forms.values():
        version = form.current_version
        assert version.number == 1
        keys = [field["key"] for field in version.fields]
        assert keys[0] == "people_on_duty" and "situation" in keys and "results" in keys
