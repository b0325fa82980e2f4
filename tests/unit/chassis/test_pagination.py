import pytest

from services.chassis import pagination
from services.chassis.errors import Invalid


def test_a_cursor_round_trips():
    token = pagination.encode_cursor(["Acme", "id-1"], scope="name:asc")
    assert pagination.decode_cursor(token, scope="name:asc") == ["Acme", "id-1"]


@pytest.mark.parametrize("token", ["", "!!!", "bm90IGEgY3Vyc29y", "A" * 500])
def test_garbage_is_refused(token):
    with pytest.raises(Invalid) as error:
        pagination.decode_cursor(token, scope="s")
    assert "cursor" in error.value.details


def test_a_tampered_cursor_is_refused():
    token = pagination.encode_cursor(["a"], scope="s")
    raw = bytearray(token.encode())
    raw[-2] = ord("A") if raw[-2] != ord("A") else ord("B")
    with pytest.raises(Invalid):
        pagination.decode_cursor(raw.decode(), scope="s")


def test_a_cursor_from_another_query_is_refused():
    with pytest.raises(Invalid, match="not valid"):
        pagination.decode_cursor(pagination.encode_cursor(["a"], scope="name:asc"), scope="name:desc")


def test_an_expired_cursor_is_refused(monkeypatch):
    token = pagination.encode_cursor(["a"], scope="s")
    monkeypatch.setenv("CURSOR_TTL_SECONDS", "-1")
    with pytest.raises(Invalid) as error:
        pagination.decode_cursor(token, scope="s")
    assert "expired" in error.value.details["cursor"][0]


@pytest.mark.parametrize("size", [0, -1, 101, 10**9, "10", 2.5, True])
def test_page_sizes_outside_the_range_are_refused(size):
    with pytest.raises(Invalid):
        pagination.page_size(size)


def test_page_size_defaults_and_accepts_bounds():
    assert pagination.page_size(None) == pagination.DEFAULT_PAGE_SIZE
    assert pagination.page_size(1) == 1 and pagination.page_size(100) == 100
