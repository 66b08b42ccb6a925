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
def api():
    """api(user) → an API client authenticated with that user's token (English messages); api() → anonymous."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def client_for(user=None) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


# Browser tests run against pytest-django's live_server, i.e. with transactional_db: at teardown Django FLUSHES every
# table, which would leave the tests that follow without Cần Thơ's units (loaded once above) and without the rows the
# migrations made (skills, content types). Mark such tests django_db(transaction=True, serialized_rollback=True) and
# request `flushed_db_refilled`: it puts both back.


def _back_to_the_session_start() -> None:
    """Empty every table, then put back the migrations' rows and the units, as they were when the session began."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    # The migrations' rows as Django serialised them when it created the test database (only when a collected test
    # asks for serialized_rollback). Without them, emptying the tables could not be undone.
    serialized = getattr(connection, "_test_serialized_contents", None)
    if serialized:
        # No post_migrate: it would recreate content types under new ids, clashing with the serialised ones.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(serialized)
        ContentType.objects.clear_cache()
    call_command("load_admin_units", "--structure", "2021", "--province", "92", verbosity=0)


@pytest.fixture(scope="module")
def _session_start_around_the_module(django_db_setup, django_db_blocker):
    # Module scope on purpose: a function-scoped fixture is torn down BEFORE the flush (pytest-django's autouse
    # fixture sets the database up first); a module-scoped one after the module's last test. The reset before the
    # module undoes what an earlier transactional test without serialized_rollback left behind (content types
    # recreated under new ids, on which Django's serialized rollback fails with an IntegrityError).
    with django_db_blocker.unblock():
        _back_to_the_session_start()
    yield
    with django_db_blocker.unblock():
        _back_to_the_session_start()


@pytest.fixture
def flushed_db_refilled(request, _session_start_around_the_module):
    """For a transactional test: the units are there when it starts, and everything is back after its flush."""
    from phaodai.places.models import AdminUnit

    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction") and marker.kwargs.get("serialized_rollback")):
        pytest.fail("flushed_db_refilled needs @pytest.mark.django_db(transaction=True, serialized_rollback=True)")
    # An earlier test of the same module flushed the units away (serialized rollback restored only the migrations').
    if not AdminUnit.objects.filter(code="92").exists():
        call_command("load_admin_units", "--structure", "2021", "--province", "92", verbosity=0)
