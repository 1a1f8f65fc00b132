"""A Redis cache that degrades instead of failing: with Redis down, pages render uncached.

Wagtail caches the site-root paths (and we cache little else); a cache is an optimisation, so a
Redis outage must cost speed, not a 500 on `/` and `/catalog/`. Every error of the Redis client
is logged and the call answers as a miss (get → default, add/set → False, incr → ValueError as
for a missing key). django-redis's IGNORE_EXCEPTIONS does the same; Django's own backend has no
such option and one subclass is less than a new dependency.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _tolerant(miss):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                logger.warning("cache %s failed, served without cache: %s", method.__name__, error)
                if isinstance(miss, type) and issubclass(miss, Exception):
                    raise miss(f"cache unavailable: {error}") from error
                return miss(args, kwargs) if callable(miss) else miss

        return wrapper

    return decorate


def _default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class TolerantRedisCache(RedisCache):
    get = _tolerant(_default)(RedisCache.get)
    add = _tolerant(False)(RedisCache.add)
    set = _tolerant(None)(RedisCache.set)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    get_many = _tolerant(lambda args, kwargs: {})(RedisCache.get_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    incr = _tolerant(ValueError)(RedisCache.incr)
    set_many = _tolerant(lambda args, kwargs: list(args[0]) if args else [])(RedisCache.set_many)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    clear = _tolerant(False)(RedisCache.clear)
