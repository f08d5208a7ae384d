"""Django's Redis cache, made to degrade instead of failing: when Redis is down a read is a miss
and a write is skipped (logged once a minute), so pages keep working on the database alone.

After a failure Redis is left alone for a few seconds (no connect timeout on every call of every
request); ``ping()`` still raises, for /healthz."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("township.cache")
RETRY_AFTER = 5.0  # seconds without trying Redis after a failure
_LOG_EVERY = 60.0


def _errors():
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


_DOWN_UNTIL: dict[str, float] = {}  # per Redis location: skip it until then
_LOGGED_AT: dict[str, float] = {}


class ResilientRedisCache(RedisCache):
    def ping(self) -> bool:
        """Raise when Redis does not answer (health checks)."""
        return self._cache.get_client(write=True).ping()

    def _guard(self, name, default, *args, **kwargs):
        where = ",".join(self._servers)
        now = time.monotonic()
        if now < _DOWN_UNTIL.get(where, 0.0):
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except _errors() as exc:
            _DOWN_UNTIL[where] = now + RETRY_AFTER
            if now - _LOGGED_AT.get(where, 0.0) > _LOG_EVERY:
                _LOGGED_AT[where] = now
                log.warning("cache unavailable (%s: %s); serving without it", exc.__class__.__name__, exc)
            return default

    def add(self, *args, **kwargs):
        return self._guard("add", False, *args, **kwargs)

    def get(self, key, default=None, version=None):
        return self._guard("get", default, key, default, version)

    def set(self, *args, **kwargs):
        return self._guard("set", None, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._guard("touch", False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._guard("delete", False, *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._guard("get_many", {}, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._guard("has_key", False, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._guard("set_many", [], *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._guard("delete_many", None, *args, **kwargs)

    def clear(self):
        return self._guard("clear", False)

    def incr(self, key, delta=1, version=None):
        # A counter cannot be made up: an unreachable cache is an error for its caller.
        return super().incr(key, delta, version)


def reset() -> None:
    """Forget recorded failures (tests)."""
    _DOWN_UNTIL.clear()
