"""Settings for the test suite: the real settings, with a throw-away key and a fast password hasher."""

import os

os.environ.setdefault("PHAODAI_SECRET_KEY", "tests-only-not-a-secret")

from phaodai.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
