"""The reader thread that parses ahead of the database writes: order, errors, early exit."""

from __future__ import annotations

import threading

import pytest

from kabinet.exchange.commerceml import CommerceMLError
from kabinet.exchange.prefetch import batches_ahead


def test_batches_come_in_order_and_whole():
    assert list(batches_ahead(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batches_ahead(iter([]), 3)) == []


def test_an_error_while_reading_is_raised_to_the_consumer_after_the_batches_before_it():
    def items():
        yield from range(4)
        raise CommerceMLError("broken", file="offers.xml", line=7)

    seen = []

    def consume():
        for batch in batches_ahead(items(), 2):
            seen.append(batch)

    with pytest.raises(CommerceMLError, match=r"offers\.xml:7: broken"):
        consume()

    assert seen == [[0, 1], [2, 3]]


def test_leaving_early_stops_the_reader_thread():
    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    before = threading.active_count()
    for batch in batches_ahead(endless(), 10, depth=2):
        assert batch[0] == 0
        break

    assert threading.active_count() == before
    assert len(produced) <= 10 * 4  # the reader stopped a few batches ahead, no further
