"""The `mockserver` pytest fixture: seeded state per test, the clock under the test's control, clear lookup errors."""

from __future__ import annotations

import time

import httpx
import pytest

from mockserver.pytest_plugin import MockServer


@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_starts_from_the_seeded_state(mockserver: MockServer, attempt: int) -> None:
    key = mockserver.key("bannertrackr", "growth plan, read-write")
    with httpx.Client(base_url=mockserver.base_url("bannertrackr"), headers={"Authorization": f"Bearer {key}"}) as api:
        assert len(api.get("/sites").json()["data"]) == 5  # whatever the other attempt created is gone
        assert api.post("/sites", json={"name": f"attempt {attempt}", "type": "website"}).status_code == 201
        mockserver.reset()
        assert len(api.get("/sites").json()["data"]) == 5


def test_clock_is_under_the_tests_control(mockserver: MockServer) -> None:
    key = mockserver.key("bannertrackr", "starter plan, read-write")
    me = f"{mockserver.base_url('bannertrackr')}/me"
    mockserver.state.clock.freeze()
    statuses = [httpx.get(me, headers={"Authorization": f"Bearer {key}"}).status_code for _ in range(61)]
    assert statuses[-1] == 429
    mockserver.state.clock.advance(60)
    assert httpx.get(me, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    mockserver.state.clock.unfreeze()


def test_an_unknown_key_label_names_the_labels_there_are(mockserver: MockServer) -> None:
    with pytest.raises(LookupError, match="no demo key of 'bannertrackr' has 'growth, read-write'") as raised:
        mockserver.key("bannertrackr", "growth, read-write")
    assert "'growth plan, read-write'" in str(raised.value) and "'starter plan, read-only'" in str(raised.value)


def test_an_unknown_api_names_the_apis_there_are(mockserver: MockServer) -> None:
    with pytest.raises(
        LookupError, match="no mocked API is called 'banertrackr'; the mocked APIs are 'bannertrackr', "
    ):
        mockserver.base_url("banertrackr")


@pytest.mark.parametrize("attempt", [1, 2])
def test_a_tests_clock_changes_do_not_leak_into_the_next(mockserver: MockServer, attempt: int) -> None:
    clock = httpx.get(f"{mockserver.url}/__admin/clock").json()
    assert clock["frozen"] is False and abs(clock["timestamp"] - time.time()) < 60  # real time, as configured
    mockserver.state.clock.freeze()
    mockserver.state.clock.advance(86_400 * 400)
