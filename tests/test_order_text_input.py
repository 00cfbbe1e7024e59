"""A player's order text is anything typed (the API, the web's orders, replays): every
error about it is one short printable line, whatever the ids hold (control characters,
terminal escapes, 10,000 characters), and a request's answer with a bad id is refused
with a reason, never a traceback."""

from __future__ import annotations

import pytest

from stavka.api import Campaign
from stavka.engine.records import Order
from stavka.errors import StavkaError

NASTY = ["\x00 accept", "\x1b[31mred\x1b[0m accept", "a" * 10_000 + " accept",
         "telegrams \x1b]0;x\x07", "telegrams accept " + "b" * 10_000,
         "sov_16a attack " + "\u202e" * 5, "x " * 5_000, "telegrams"]


@pytest.fixture(scope="module")
def six() -> Campaign:
    return Campaign("six-telegrams")


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_order_errors_are_one_short_printable_line(six, text):
    with pytest.raises(StavkaError) as exc:
        six.step([text])
    msg = str(exc.value)
    assert msg.isprintable() and len(msg) < 600, msg[:300]


@pytest.mark.parametrize("text, needle", [
    ("nope accept", "unknown request 'nope'"),
    ("telegrams accept", "has not been sent"),
    ("telegrams Accept", "unknown action 'Accept'"),
    ("telegrams accept telegrams", "an answer is 'REQUEST accept|refuse|counter'"),
])
def test_answers_with_bad_ids_are_refused_with_a_reason(six, text, needle):
    with pytest.raises(StavkaError, match=needle.replace("|", r"\|")):
        six.step([text])


def test_the_order_text_itself_is_kept_as_typed():
    o = Order.parse("sov_16a attack vyazma")
    assert o.text() == o.shown() == "sov_16a attack vyazma"
    assert Order("a\nb", "hold").shown() == "a\\nb hold"


@pytest.mark.parametrize("make, needle", [
    (lambda: Order(5, "hold"), "an order's formation is a word (got int 5)"),
    (lambda: Order("sov_16a", "move", ["vyazma"]), "an order's target is a word (got list"),
    (lambda: Order("sov_16a", None), "an order's action is a word (got NoneType None)"),
    (lambda: Order("japan", "raise_partisans", "p", (5,)), "more is a tuple of words"),
    (lambda: Order("fleet", "land", "bay", "div"), "more is a tuple of words (got str 'div')"),
])
def test_an_order_built_in_python_of_other_types_is_refused_with_a_reason(make, needle):
    # was a TypeError from joining the words for a message
    with pytest.raises(StavkaError) as exc:
        make()
    assert needle in str(exc.value) and str(exc.value).isprintable()
