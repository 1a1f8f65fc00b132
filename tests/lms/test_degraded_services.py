"""Degrade, don't fail: pages render with Redis down, the LRS answers JSON 503 without its database."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import closed_port

ROOT = Path(__file__).resolve().parents[2]


def test_a_cache_that_is_down_answers_as_a_miss(redis_down):
    from django.core.cache import cache

    assert cache.get("anything", "fallback") == "fallback"
    assert cache.add("k", 1) is False
    cache.set("k", 1)
    assert cache.get_many(["k"]) == {}
    with pytest.raises(ValueError):
        cache.incr("k")


def test_the_lrs_answers_json_503_with_retry_after_when_its_database_is_unreachable(tmp_path):
    """A real server process whose PostgreSQL does not answer (nothing listens on its port)."""
    port = closed_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://lms@127.0.0.1:{closed_port()}/lms",
        "SECRET_KEY": "test-only-unreachable-database",
        "DJANGO_SETTINGS_MODULE": "lms.settings.base",
        "LMS_VAR_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [str(Path(sys.executable).with_name("gunicorn")), "lms.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = json.dumps(
            [
                {
                    "actor": {"mbox": "mailto:a@example.tw"},
                    "verb": {"id": "http://example.tw/v"},
                    "object": {"id": "http://example.tw/a"},
                }
            ]
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback test server
            f"http://127.0.0.1:{port}/xapi/statements",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Experience-API-Version": "1.0.3",
                "Authorization": "Basic a2V5OnNlY3JldA==",
            },
        )
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(request, timeout=60)  # noqa: S310 - a loaded machine boots slowly
                pytest.fail("the request succeeded without a database")
            except urllib.error.HTTPError as error:
                response = error
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        assert response.code == 503
        assert response.headers["Content-Type"] == "application/json"
        assert int(response.headers["Retry-After"]) > 0
        assert "資料庫" in json.loads(response.read())["message"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
