"""The duty test world is what the duty tests assume it is."""

from phaodai.duty.models import DutySite
from phaodai.duty.testing import duty_world, more_staff


def test_the_duty_world_has_three_sites_and_more_staff_can_be_added(world):
    sites = duty_world(world)
    assert DutySite.objects.count() == 3 and sites.tan_an_hq.agency == world.agencies["ubnd_tan_an"]
    people = more_staff(world.agencies["ubnd_tan_an"], 5, leaders=2)
    assert len({p.citizen_id for p in people}) == 5
    assert [p.position for p in people[:3]] == ["Phó Chủ tịch", "Phó Chủ tịch", "Chuyên viên"]
