"""Every create, update and delete of domain data records who, when and the values before and after."""

from auditlog.context import set_actor
from auditlog.models import LogEntry

from phaodai.places.models import AdminUnit
from phaodai.places.services import create_neighbourhood
from phaodai.testing import TAN_AN


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


def test_editing_a_staff_member_records_actor_time_and_before_after(world):
    an = world.staff["an"]
    with set_actor(world.users["home_affairs"]):
        an.position = "Chuyên viên"
        an.phone = "0912000111"
        an.save()
    entry = entries_for(an).last()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == world.users["home_affairs"]
    assert entry.timestamp is not None
    assert entry.changes_dict["phone"] == ["0912345678", "0912000111"]
    assert entry.changes_dict["position"][1] == "Chuyên viên"


def test_creating_and_deleting_are_both_recorded(world):
    with set_actor(world.users["tan_an"]):
        hamlet = create_neighbourhood(world.users["tan_an"], AdminUnit.objects.get(code=TAN_AN), "Khu vực 9", "khu vực")
    created = entries_for(hamlet).get()
    assert created.action == LogEntry.Action.CREATE and created.actor == world.users["tan_an"]
    assert created.changes_dict["name"] == ["None", "Khu vực 9"]
    pk = hamlet.pk
    with set_actor(world.users["tan_an"]):
        hamlet.delete()
    deleted = LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE)
    assert deleted.count() == 1 and deleted.get().actor == world.users["tan_an"]


def test_adding_a_skill_is_recorded_as_a_change_of_the_person(world):
    from phaodai.staff.models import Skill

    dat = world.staff["dat"]
    with set_actor(world.users["admin"]):
        dat.skills.add(Skill.objects.get(code="data_entry"))
    entry = entries_for(dat).last()
    assert "skills" in entry.changes_dict
    assert entry.actor == world.users["admin"]


def test_passwords_never_enter_the_audit_trail(world):
    user = world.users["observer"]
    user.set_password("another-long-password")
    user.save()
    for entry in entries_for(user):
        assert "password" not in entry.changes_dict
