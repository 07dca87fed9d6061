"""The Redis database the tests may use: their own, one per pytest-xdist worker.

``make test`` runs the suite in parallel processes (pytest-xdist). RQ's keys have no
prefix and the Redis cache's ``clear()`` empties its whole database, so two workers
sharing one database would wipe each other's keys mid-test: worker ``gwN`` gets
database ``5 + N`` (database 5 alone without xdist). ``LIANXI_TEST_REDIS_URL`` (or,
for the cache tests, ``REDIS_URL``) points the tests at another server.
"""

import os

FIRST_DATABASE = 5


def redis_test_url(*environment: str) -> str:
    for name in ("LIANXI_TEST_REDIS_URL", *environment):
        if os.environ.get(name):
            return os.environ[name]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    database = FIRST_DATABASE + (int(worker) if worker.isdigit() else 0)
    return f"redis://127.0.0.1:6379/{database}"
