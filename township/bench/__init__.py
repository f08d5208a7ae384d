"""`manage.py bench` (`make bench`): the scale benchmark of issue 9, in its own database.

- ``env``: the bench database next to the application's (``township_bench`` on the same server),
  the environment the command re-runs itself in (its own Redis db and cache prefix, so nothing
  reaches the shared Celery worker or cache);
- ``seed``: the large demo seed, extended to three years of history in the big tables;
- ``measures``: each measure with its floor measured in the same run;
- ``web``: gunicorn on loopback and a small asyncio load generator;
- ``settings`` / ``urls``: the application plus one trivial view, for the web floor.

docs/performance.md has the figures and how to reproduce them.
"""
