from bot.core.ids import parse_id


def test_parse_id() -> None:
    assert parse_id("42") == 42
    assert parse_id(" #7 ") == 7
    assert parse_id("9" * 18) == int("9" * 18)
    for bad in ("", "x", "-1", "¹", "4 2", "9223372036854775808", "1.5"):
        assert parse_id(bad) is None, bad
