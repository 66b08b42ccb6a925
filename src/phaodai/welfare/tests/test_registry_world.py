"""The welfare test world is what its docstring says (other helpers' tests rely on it)."""

from phaodai.welfare.models import HouseholdCategory, Person
from phaodai.welfare.testing import welfare_world


def test_the_welfare_world_builds_with_valid_people_and_categories(world):
    ww = welfare_world(world)
    assert len(ww.households) == 6
    assert Person.objects.count() == 11
    assert HouseholdCategory.objects.filter(person__isnull=False).count() == 3
    assert ww.people["bay_twin_a"].date_of_birth == ww.people["bay_twin_b"].date_of_birth
    assert ww.people["hong"].birth_year == 1941 and ww.people["hong"].date_of_birth is None
    assert {h.neighbourhood.parent.code for h in ww.households.values()} == {"31135", "31120"}
