import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds Cần Thơ's real administrative units (2021 structure), loaded once."""
    with django_db_blocker.unblock():
        call_command("load_admin_units", "--structure", "2021", "--province", "92", verbosity=0)


@pytest.fixture
def world(db):
    from phaodai.testing import build_world

    return build_world()


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
