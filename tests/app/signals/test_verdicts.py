"""The verdict rule: kinds and sentences agree, and one event never makes a finding."""

from __future__ import annotations

import dataclasses
import math

import pytest

from app.signals.verdicts import VERDICT_KINDS, Evidence, Markets, verdict, verdict_kind

BASE = Evidence(
    horizon=90,
    n=7,
    geo_mean=0.40,
    median=0.30,
    mean=0.55,
    share_positive=0.86,
    era_base_geo_mean=0.05,
    base_geo_mean=0.12,
    p_high=0.004,
    p_low=0.997,
    p_adjusted=0.016,
    p_leave_one_out_max=0.03,
    fragile_event="2011-04-27",
    ci=(1.10, 2.40),
    horizons_tested=4,
    draws=10_000,
    era_days=730,
)


def _e(**changes) -> Evidence:
    return dataclasses.replace(BASE, **changes)


def test_strong_needs_the_adjusted_and_every_leave_one_out_p_below_5_percent():
    assert verdict_kind(BASE) == "unusually_strong"
    text = verdict(BASE)
    assert text.startswith("90 days: after 7 breakouts")
    assert "unusually strong for its era" in text and "allowing for 4 horizons" in text
    assert "+40.0% as a geometric mean" in text and "×1.10 to ×2.40" in text


def test_one_event_carrying_the_result_is_only_suggestive_and_named():
    carried = _e(p_leave_one_out_max=0.27)
    assert verdict_kind(carried) == "suggestive"
    text = verdict(carried)
    assert "suggestive, not conclusive" in text and "2011-04-27" in text
    assert "unusually" not in text and "after 7 breakouts" in text


def test_a_raw_p_that_does_not_survive_the_horizons_is_suggestive():
    raw_only = _e(p_high=0.02, p_adjusted=0.16)
    assert verdict_kind(raw_only) == "suggestive"
    assert "0.160 allowing for 4 horizons" in verdict(raw_only)
    assert "it rests most on the 2011-04-27 event" in verdict(raw_only)


def test_weak_uses_the_mirrored_test():
    weak = _e(geo_mean=-0.3, p_high=0.998, p_low=0.003, p_adjusted=0.024)
    assert verdict_kind(weak) == "unusually_weak"
    assert "unusually weak for its era" in verdict(weak)
    assert verdict_kind(_e(p_high=0.998, p_low=0.03, p_adjusted=0.24)) == "suggestive"
    assert "weak on its own" in verdict(_e(p_high=0.998, p_low=0.03, p_adjusted=0.24))


def test_otherwise_not_distinguishable_from_its_era():
    plain = _e(p_high=0.31, p_low=0.70, p_adjusted=1.0, p_leave_one_out_max=0.9)
    assert verdict_kind(plain) == "not_distinguishable"
    text = verdict(plain)
    assert "not distinguishable from a random day of the same era" in text
    assert "after 7 breakouts" in text and "10,000" in text
    whole = _e(p_high=0.31, p_low=0.70, p_adjusted=1.0, era_days=0)
    assert "not distinguishable from a random day (" in verdict(whole)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_small_samples_never_conclude_whatever_the_numbers(n):
    small = _e(n=n, p_high=0.0001, p_adjusted=0.0004, p_leave_one_out_max=0.001)
    assert verdict_kind(small) == "too_few"
    text = verdict(small)
    assert "too few to conclude anything" in text and f"only {n} event" in text
    assert "strong" not in text and "weak" not in text


def test_no_data_and_no_base_state_the_number_of_events():
    nothing = _e(n=0)
    assert verdict_kind(nothing) == "no_data" and verdict(nothing).startswith("90 days: 0 events")
    no_base = _e(p_high=math.nan, p_low=math.nan, p_adjusted=math.nan)
    assert verdict_kind(no_base) == "no_base" and "7 events but no base rate" in verdict(no_base)


def test_every_kind_is_a_documented_one():
    cases = [BASE, _e(n=0), _e(n=3), _e(p_leave_one_out_max=0.5), _e(p_high=0.5, p_low=0.5)]
    assert {verdict_kind(c) for c in cases} <= set(VERDICT_KINDS)


NAMED = Markets("Russell 2000 (^RUT)", "Bitcoin (Bitstamp)")


def test_the_sentence_names_the_markets_in_words_where_they_are_known():
    text = verdict(BASE, NAMED)
    assert text.startswith(
        "90 days: after 7 breakouts of Russell 2000 (^RUT), Bitcoin (Bitstamp) returned +40.0%"
    )
    assert "follower" not in text and "leader" not in text
    assert "0 events, no breakout has 90 days of data for Bitcoin (Bitstamp) yet" in verdict(
        _e(n=0), NAMED
    )
    no_base = verdict(_e(p_high=math.nan, p_low=math.nan, p_adjusted=math.nan), NAMED)
    assert "(the history of Bitcoin (Bitstamp) around them is too short)" in no_base
    for case in (_e(n=3), _e(p_leave_one_out_max=0.5), _e(p_high=0.5, p_low=0.5)):
        assert "follower" not in verdict(case, NAMED) and "leader" not in verdict(case, NAMED)


def test_without_names_the_sentence_says_the_roles():
    assert verdict(BASE).startswith("90 days: after 7 breakouts of the leader, the follower")
    assert "days of data for the follower yet" in verdict(_e(n=0))
