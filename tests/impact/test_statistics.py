"""The statistics of impact reports against published worked examples and against scipy.

Golden values:
- Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science: a practical primer for
  t-tests and ANOVAs. Frontiers in Psychology 4:863, doi:10.3389/fpsyg.2013.00863 — the worked example of two movies
  rated by the same ten people (Table 1): independent reading t(18) = 2.52, d_s = 1.13, g_s = 1.08; paired reading
  t(9) = 4.74, d_z = 1.50, d_av = 1.13 (also in its supplementary spreadsheet).
- Hake, R. R. (1998). Interactive-engagement versus traditional methods. American Journal of Physics 66(1):64–74,
  doi:10.1119/1.18809 — ⟨g⟩ = (%post − %pre)/(100 − %pre), eq. 1, and the bands low < 0.3 ≤ medium ≤ 0.7 < high.
- Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences, 2nd ed., Table 2.4.1: two independent
  groups, α = .05 two-sided, power .80: n = 64 per group for d = 0.5, n = 26 for d = 0.8.
- Hedges' J: 1 − 3/(4·df − 1) for 20 + 20 pupils gives 0.980, 15 pairs 0.945 (Hedges & Olkin 1985, the research notes).
"""

import math

import pytest
from scipy import stats as sps

from auzolan.impact import statistics as st

MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


def test_lakens_paired_example():
    result = st.paired(zip(MOVIE_2, MOVIE_1, strict=True))  # "pre" = movie 2, "post" = movie 1
    assert result.n == 10 and result.df == 9
    assert result.t == pytest.approx(4.74, abs=0.005)
    assert result.d_z == pytest.approx(1.50, abs=0.005)
    assert result.d_av == pytest.approx(1.13, abs=0.005)
    assert (result.mean_pre, result.mean_post) == (pytest.approx(7.7), pytest.approx(8.7))
    # Hedges' correction with df = n − 1 for paired data (exact gamma form).
    assert result.g_z == pytest.approx(result.d_z * st.hedges_j(9))
    assert result.g_av == pytest.approx(result.d_av * st.hedges_j(9))


def test_lakens_independent_example():
    result = st.independent(MOVIE_1, MOVIE_2)
    assert result.t == pytest.approx(2.52, abs=0.005)
    assert result.d == pytest.approx(1.13, abs=0.005)
    assert result.g == pytest.approx(1.08, abs=0.005)


def test_paired_against_scipy():
    pre = [2.1, 2.8, 3.0, 2.4, 3.3, 2.9, 2.2, 3.1, 2.7, 2.5, 3.4, 2.0]
    post = [2.6, 3.1, 3.0, 2.9, 3.6, 3.4, 2.1, 3.6, 3.2, 2.6, 3.9, 2.4]
    result = st.paired(zip(pre, post, strict=True))
    reference = sps.ttest_rel(post, pre)
    assert result.t == pytest.approx(reference.statistic)
    assert result.p == pytest.approx(reference.pvalue)
    interval = reference.confidence_interval(0.95)
    assert (result.diff_ci.low, result.diff_ci.high) == (pytest.approx(interval.low), pytest.approx(interval.high))
    # The noncentral-t interval of d_z has the right coverage by construction: at its bounds the observed t sits at
    # the 97.5th and 2.5th percentiles.
    low_ncp = result.g_z_ci.low / result.j * math.sqrt(result.n)
    assert sps.nct.cdf(result.t, result.df, low_ncp) == pytest.approx(0.975, abs=1e-6)
    assert result.g_z_ci.low < result.g_z < result.g_z_ci.high
    assert result.g_av_ci.low < result.g_av < result.g_av_ci.high


def test_describe_against_scipy():
    values = [3.2, 2.8, 4.1, 3.6, 2.9, 3.3, 3.9]
    summary = st.describe(values)
    low, high = sps.t.interval(0.95, len(values) - 1, loc=sps.tmean(values), scale=sps.sem(values))
    assert (summary.ci.low, summary.ci.high) == (pytest.approx(low), pytest.approx(high))
    assert summary.sd == pytest.approx(sps.tstd(values))


def test_did_against_scipy_welch():
    treated = [(2.0, 2.9), (2.5, 3.1), (3.0, 3.4), (2.2, 3.0), (2.8, 3.5), (2.4, 2.6), (3.1, 3.9)]
    control = [(2.3, 2.4), (2.9, 3.1), (2.1, 2.0), (2.6, 2.9), (3.0, 3.1), (2.5, 2.6)]
    result = st.difference_in_differences(treated, control)
    gains_t = [b - a for a, b in treated]
    gains_c = [b - a for a, b in control]
    reference = sps.ttest_ind(gains_t, gains_c, equal_var=False)
    assert result.t == pytest.approx(reference.statistic)
    assert result.p == pytest.approx(reference.pvalue)
    assert result.df == pytest.approx(reference.df)
    interval = reference.confidence_interval(0.95)
    assert (result.ci.low, result.ci.high) == (pytest.approx(interval.low), pytest.approx(interval.high))
    assert result.standardised == pytest.approx(result.estimate / result.sd_pre_pooled)


def test_hedges_j_exact_and_approximation():
    assert st.hedges_j_approx(38) == pytest.approx(0.980, abs=0.0005)
    assert st.hedges_j_approx(14) == pytest.approx(0.945, abs=0.0005)
    assert st.hedges_j(5) == pytest.approx(st.hedges_j_approx(5), abs=0.002)
    for df in (9, 14, 38, 100):
        assert st.hedges_j(df) == pytest.approx(st.hedges_j_approx(df), abs=0.0005)
    assert st.hedges_j(10_000) == pytest.approx(1, abs=1e-4)


def test_hake_normalised_gain():
    assert st.normalised_gain(40, 70) == pytest.approx(0.5)
    assert st.normalised_gain(20, 40) == pytest.approx(0.25)
    assert [st.gain_band(g) for g in (0.23, 0.48, 0.75)] == ["low", "medium", "high"]
    assert st.to_percent(3, 1, 5) == 50
    with pytest.raises(st.NotComputable):
        st.normalised_gain(100, 100)


def test_minimum_detectable_effect_against_cohen_tables():
    assert st.minimum_detectable_effect(64, paired_design=False) == pytest.approx(0.5, abs=0.01)
    assert st.minimum_detectable_effect(26, paired_design=False) == pytest.approx(0.8, abs=0.02)
    # Paired: 34 pairs for d_z = 0.5 (the research notes, computed with the noncentral t; G*Power gives the same n).
    assert st.minimum_detectable_effect(34, paired_design=True) == pytest.approx(0.5, abs=0.01)
    assert st.power(0.5, 64, paired_design=False) == pytest.approx(0.80, abs=0.01)


def test_power_sentence_reads_a_pilot_as_a_pilot():
    sentence = st.power_sentence(20, paired_design=True, observed=0.3)
    assert "0,66" in sentence  # the research notes round it to 0.67
    assert "pilote" in sentence
    assert "plus petit" in sentence
    assert "pilote" not in st.power_sentence(200, paired_design=True)


@pytest.mark.parametrize(
    "call",
    [
        lambda: st.describe([3.0]),
        lambda: st.describe([None, float("nan")]),
        lambda: st.paired([(1, 2)]),
        lambda: st.paired([(1, 2), (2, 3), (3, 4)]),  # every difference equal: no variance
        lambda: st.paired([(1, None), (None, 2)]),  # no complete pair
        lambda: st.independent([1, 1, 1], [2, 2, 2]),
        lambda: st.difference_in_differences([(1, 2)], [(1, 1), (2, 2)]),
        lambda: st.minimum_detectable_effect(1, paired_design=True),
    ],
)
def test_edge_cases_give_a_clear_message(call):
    with pytest.raises(st.NotComputable) as error:
        call()
    assert str(error.value)


def test_missing_pairs_are_dropped_and_counted():
    result = st.paired([(1, 2), (2, 2.5), (None, 3), (3, None), (2, 3.5), (1.5, 2)])
    assert (result.n, result.dropped) == (4, 2)


def test_a_very_large_effect_still_has_an_interval():
    # t ≈ 30 with 40 pairs: scipy's noncentral t is NaN far in its tails; the interval is still found.
    pairs = [(2.0 + 0.01 * (i % 7), 3.0 + 0.012 * (i % 5)) for i in range(40)]
    result = st.paired(pairs)
    assert result.t > 25
    assert result.g_z_ci.low < result.g_z < result.g_z_ci.high
    low_ncp = result.g_z_ci.low / result.j * math.sqrt(result.n)
    assert sps.nct.cdf(result.t, result.df, low_ncp) == pytest.approx(0.975, abs=1e-4)
