"""The demo city: the real Cần Thơ units of 2021 with neighbourhoods, agencies, civil servants and one login per
role, built by `python manage.py build_demo_city` (demo mode only). Deterministic and idempotent."""

from phaodai.core.demo.builder import (
    DEFAULT_SEED,
    DEFAULT_STAFF,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DemoError,
    build_demo_city,
)

__all__ = ["DEFAULT_SEED", "DEFAULT_STAFF", "DEMO_LOGINS", "DEMO_PASSWORD", "DemoError", "build_demo_city"]
