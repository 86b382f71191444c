"""The statistics of impact reports: pure functions on lists of numbers, no model, no database.

What is computed, and how (every figure on a report says which one it is):

- `describe`: n, mean, standard deviation (n − 1) and the t-based 95 % confidence interval of the mean.
- `paired`: the pre/post comparison of the same pupils (pairs with a missing side are dropped and counted).
  * d_z = mean(diff) / sd(diff) — what the paired t-test "sees"; its 95 % CI is exact, by inverting the noncentral t
    distribution (t = d_z·√n, df = n − 1).
  * d_av = (M_post − M_pre) / ((s_pre + s_post) / 2) — comparable with a between-groups d (Lakens 2013, eq. 10); its
    95 % CI uses the normal approximation of its standard error, V = (1/n + d²/(2n))·2(1 − r) (Borenstein et al. 2009,
    Introduction to Meta-Analysis, eq. 4.28, r = pre–post correlation).
  * Hedges' g = J·d with the EXACT small-sample correction J(df) = Γ(df/2) / (√(df/2)·Γ((df − 1)/2)) (Hedges 1981);
    df = n − 1 for paired data (the `effsize` R package fixed exactly this), n₁ + n₂ − 2 for independent groups.
    The usual approximation 1 − 3/(4·df − 1) differs from it by less than 0.0005 from df = 9 on. CI bounds of g are the
    CI bounds of d times J.
- `independent`: Cohen's d_s with the pooled SD and Hedges' g_s; 95 % CI by inverting the noncentral t
  (t = d·√(n₁n₂/(n₁ + n₂)), df = n₁ + n₂ − 2).
- `difference_in_differences`: mean gain of the intervention group minus mean gain of the comparison group, Welch's
  standard error and degrees of freedom (Welch–Satterthwaite), its t-based 95 % CI; standardised by the pooled
  pre-test SD of both groups (the CI bounds are divided by the same SD, which is treated as known).
- `normalised_gain`: Hake's class-average ⟨g⟩ = (⟨post⟩ − ⟨pre⟩) / (100 − ⟨pre⟩) on percentages of the scale
  (Hake 1998) — a secondary, descriptive figure.
- `minimum_detectable_effect`: the smallest true effect that a two-sided test at α = .05 detects with 80 % power for
  the observed n (exact, noncentral t), paired (d_z) or independent groups (d_s), and `power_sentence` says it in
  French.

A figure that cannot be computed (fewer than two values, no variance, …) raises `NotComputable` with a French message
that the report shows in place of the figure; nothing else is raised for bad data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from scipy import optimize
from scipy import stats as sps

CONFIDENCE = 0.95
ALPHA = 0.05
POWER = 0.80


class NotComputable(ValueError):
    """A figure that the data cannot give; `str(error)` is the French reason shown instead of it."""


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float
    sd: float
    ci: Interval


@dataclass(frozen=True)
class PairedResult:
    n: int
    dropped: int
    mean_pre: float
    mean_post: float
    sd_pre: float
    sd_post: float
    mean_diff: float
    sd_diff: float
    diff_ci: Interval
    t: float
    df: int
    p: float
    correlation: float | None
    d_z: float
    g_z: float
    g_z_ci: Interval
    d_av: float | None
    g_av: float | None
    g_av_ci: Interval | None
    j: float


@dataclass(frozen=True)
class IndependentResult:
    n1: int
    n2: int
    mean_diff: float
    sd_pooled: float
    t: float
    df: int
    d: float
    g: float
    g_ci: Interval
    j: float


@dataclass(frozen=True)
class DidResult:
    n_intervention: int
    n_comparison: int
    gain_intervention: float
    gain_comparison: float
    estimate: float
    se: float
    df: float
    ci: Interval
    t: float
    p: float
    sd_pre_pooled: float | None
    standardised: float | None
    standardised_ci: Interval | None


def _clean(values: Iterable) -> list[float]:
    cleaned = []
    for value in values:
        if value is None:
            continue
        number = float(value)
        if math.isfinite(number):
            cleaned.append(number)
    return cleaned


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _sd(values: Sequence[float]) -> float:
    mean = _mean(values)
    return math.sqrt(math.fsum((value - mean) ** 2 for value in values) / (len(values) - 1))


def _need(n: int, minimum: int = 2) -> None:
    if n < minimum:
        raise NotComputable(_("Il faut au moins %(minimum)s valeurs (il y en a %(n)s).") % {"minimum": minimum, "n": n})


def t_quantile(df: float, confidence: float = CONFIDENCE) -> float:
    return float(sps.t.ppf(1 - (1 - confidence) / 2, df))


def hedges_j(df: float) -> float:
    """Hedges' exact small-sample correction factor (Hedges 1981), via log-gamma to stay finite for large df."""
    if df < 2:
        raise NotComputable(_("La correction de Hedges demande au moins 2 degrés de liberté."))
    return math.exp(math.lgamma(df / 2) - math.lgamma((df - 1) / 2)) / math.sqrt(df / 2)


def hedges_j_approx(df: float) -> float:
    """The usual approximation 1 − 3/(4·df − 1), kept to compare with published tables."""
    return 1 - 3 / (4 * df - 1)


def describe(values: Iterable) -> Summary:
    data = _clean(values)
    _need(len(data))
    mean, sd = _mean(data), _sd(data)
    half = t_quantile(len(data) - 1) * sd / math.sqrt(len(data))
    return Summary(n=len(data), mean=mean, sd=sd, ci=Interval(mean - half, mean + half))


def noncentral_t_interval(t: float, df: float, confidence: float = CONFIDENCE) -> Interval:
    """The confidence interval of the noncentrality parameter given an observed t (inverting the noncentral t)."""
    upper_tail = (1 - confidence) / 2

    def gap_for(target: float):
        def gap(ncp: float) -> float:
            value = float(sps.nct.cdf(t, df, ncp))
            if not math.isfinite(value):  # scipy's noncentral t gives NaN far in the tails: the limits are 1 and 0
                value = 0.0 if ncp > t else 1.0
            return value - target

        return gap

    # The noncentrality parameter's sampling SD is about √(1 + t²/(2·df)): twelve of them on each side hold the bounds.
    span = 12 * math.sqrt(1 + t * t / (2 * df)) + 5
    try:
        return Interval(
            float(optimize.brentq(gap_for(1 - upper_tail), t - span, t + span, xtol=1e-10)),
            float(optimize.brentq(gap_for(upper_tail), t - span, t + span, xtol=1e-10)),
        )
    except (ValueError, RuntimeError):
        raise NotComputable(_("L'intervalle de confiance de la taille d'effet n'a pas pu être calculé.")) from None


def paired(pairs: Iterable[tuple]) -> PairedResult:
    """Pre/post of the same pupils: `pairs` are (pre, post); a pair with a missing side is dropped and counted."""
    pairs = list(pairs)
    complete = [(float(a), float(b)) for a, b in pairs if a is not None and b is not None]
    dropped = len(pairs) - len(complete)
    n = len(complete)
    _need(n)
    pre = [a for a, _b in complete]
    post = [b for _a, b in complete]
    diffs = [b - a for a, b in complete]
    mean_diff, sd_diff = _mean(diffs), _sd(diffs)
    if sd_diff == 0:
        message = _("Toutes les différences avant/après sont identiques : l'écart-type est nul.")
        raise NotComputable(message + " " + _("La taille d'effet n'existe pas."))
    df = n - 1
    j = hedges_j(df) if df >= 2 else None
    if j is None:
        raise NotComputable(_("Il faut au moins 3 paires pour une taille d'effet corrigée."))
    se = sd_diff / math.sqrt(n)
    t = mean_diff / se
    half = t_quantile(df) * se
    d_z = mean_diff / sd_diff
    ncp = noncentral_t_interval(t, df)
    sd_pre, sd_post = _sd(pre), _sd(post)
    correlation = None
    if sd_pre > 0 and sd_post > 0:
        mean_pre, mean_post = _mean(pre), _mean(post)
        covariance = math.fsum((a - mean_pre) * (b - mean_post) for a, b in complete) / (n - 1)
        correlation = covariance / (sd_pre * sd_post)
    d_av = g_av = g_av_ci = None
    if sd_pre + sd_post > 0 and correlation is not None:
        d_av = mean_diff / ((sd_pre + sd_post) / 2)
        g_av = j * d_av
        variance = (1 / n + d_av**2 / (2 * n)) * 2 * (1 - correlation)
        z = float(sps.norm.ppf(1 - (1 - CONFIDENCE) / 2))
        margin = z * math.sqrt(max(variance, 0.0))
        g_av_ci = Interval(j * (d_av - margin), j * (d_av + margin))
    return PairedResult(
        n=n,
        dropped=dropped,
        mean_pre=_mean(pre),
        mean_post=_mean(post),
        sd_pre=sd_pre,
        sd_post=sd_post,
        mean_diff=mean_diff,
        sd_diff=sd_diff,
        diff_ci=Interval(mean_diff - half, mean_diff + half),
        t=t,
        df=df,
        p=float(2 * sps.t.sf(abs(t), df)),
        correlation=correlation,
        d_z=d_z,
        g_z=j * d_z,
        g_z_ci=Interval(j * ncp.low / math.sqrt(n), j * ncp.high / math.sqrt(n)),
        d_av=d_av,
        g_av=g_av,
        g_av_ci=g_av_ci,
        j=j,
    )


def pooled_sd(first: Sequence[float], second: Sequence[float]) -> float:
    n1, n2 = len(first), len(second)
    return math.sqrt(((n1 - 1) * _sd(first) ** 2 + (n2 - 1) * _sd(second) ** 2) / (n1 + n2 - 2))


def independent(first: Iterable, second: Iterable) -> IndependentResult:
    """Two independent groups (first − second): Cohen's d_s, Hedges' g_s and its noncentral-t 95 % CI."""
    a, b = _clean(first), _clean(second)
    _need(len(a))
    _need(len(b))
    n1, n2 = len(a), len(b)
    df = n1 + n2 - 2
    sd = pooled_sd(a, b)
    if sd == 0:
        raise NotComputable(_("Aucune variation dans les deux groupes : la taille d'effet n'existe pas."))
    diff = _mean(a) - _mean(b)
    d = diff / sd
    scale = math.sqrt(n1 * n2 / (n1 + n2))
    t = d * scale
    j = hedges_j(df)
    ncp = noncentral_t_interval(t, df)
    return IndependentResult(
        n1=n1,
        n2=n2,
        mean_diff=diff,
        sd_pooled=sd,
        t=t,
        df=df,
        d=d,
        g=j * d,
        g_ci=Interval(j * ncp.low / scale, j * ncp.high / scale),
        j=j,
    )


def difference_in_differences(intervention: Iterable[tuple], comparison: Iterable[tuple]) -> DidResult:
    """Mean gain (post − pre, complete pairs only) of the intervention group minus that of the comparison group."""
    treated = [(float(a), float(b)) for a, b in intervention if a is not None and b is not None]
    control = [(float(a), float(b)) for a, b in comparison if a is not None and b is not None]
    _need(len(treated))
    _need(len(control))
    gains_t = [b - a for a, b in treated]
    gains_c = [b - a for a, b in control]
    var_t, var_c = _sd(gains_t) ** 2 / len(gains_t), _sd(gains_c) ** 2 / len(gains_c)
    se = math.sqrt(var_t + var_c)
    if se == 0:
        raise NotComputable(_("Les gains n'ont aucune variation : l'intervalle de confiance n'existe pas."))
    df = (var_t + var_c) ** 2 / (var_t**2 / (len(gains_t) - 1) + var_c**2 / (len(gains_c) - 1))
    estimate = _mean(gains_t) - _mean(gains_c)
    half = t_quantile(df) * se
    t = estimate / se
    sd_pre = pooled_sd([a for a, _b in treated], [a for a, _b in control])
    standardised = standardised_ci = None
    if sd_pre > 0:
        standardised = estimate / sd_pre
        standardised_ci = Interval((estimate - half) / sd_pre, (estimate + half) / sd_pre)
    return DidResult(
        n_intervention=len(treated),
        n_comparison=len(control),
        gain_intervention=_mean(gains_t),
        gain_comparison=_mean(gains_c),
        estimate=estimate,
        se=se,
        df=df,
        ci=Interval(estimate - half, estimate + half),
        t=t,
        p=float(2 * sps.t.sf(abs(t), df)),
        sd_pre_pooled=sd_pre or None,
        standardised=standardised,
        standardised_ci=standardised_ci,
    )


def to_percent(value: float, minimum: float, maximum: float) -> float:
    """A score on a scale [minimum, maximum] as a percentage of the scale."""
    return (value - minimum) / (maximum - minimum) * 100


def normalised_gain(pre_percent: float, post_percent: float) -> float:
    """Hake's class-average normalised gain ⟨g⟩ on percentages (Hake 1998, eq. 1)."""
    if pre_percent >= 100:
        raise NotComputable(_("Le score moyen avant est au maximum : le gain normalisé n'est pas défini."))
    return (post_percent - pre_percent) / (100 - pre_percent)


def gain_band(gain: float) -> str:
    """Hake's bands: low < 0.3 ≤ medium ≤ 0.7 < high."""
    if gain < 0.3:
        return "low"
    if gain > 0.7:
        return "high"
    return "medium"


def power(effect: float, n: int, *, paired_design: bool, n2: int | None = None, alpha: float = ALPHA) -> float:
    """Power of the two-sided t-test for a true standardised `effect` (d_z if paired, else d_s with n and n2)."""
    if paired_design:
        df, ncp = n - 1, effect * math.sqrt(n)
    else:
        n2 = n if n2 is None else n2
        df, ncp = n + n2 - 2, effect * math.sqrt(n * n2 / (n + n2))
    critical = float(sps.t.ppf(1 - alpha / 2, df))
    value = float(sps.nct.sf(critical, df, ncp) + sps.nct.cdf(-critical, df, ncp))
    if not math.isfinite(value):  # scipy's noncentral t gives NaN far in the tail, where the power is 1
        return 1.0 if abs(ncp) > critical else 0.0
    return value


def minimum_detectable_effect(
    n: int, *, paired_design: bool, n2: int | None = None, alpha: float = ALPHA, target: float = POWER
) -> float:
    """The smallest standardised effect detected with power `target` (exact, noncentral t)."""
    _need(n)
    if not paired_design:
        _need(n if n2 is None else n2)
    return float(
        optimize.brentq(
            lambda effect: power(effect, n, paired_design=paired_design, n2=n2, alpha=alpha) - target,
            1e-6,
            20.0,
            xtol=1e-8,
        )
    )


def _fr(value: float) -> str:
    return number_format(round(value, 2), 2)


def power_sentence(n: int, *, paired_design: bool, n2: int | None = None, observed: float | None = None) -> str:
    """The plain-French reading of the minimum detectable effect, so that a small pilot is read as a pilot."""
    try:
        mde = minimum_detectable_effect(n, paired_design=paired_design, n2=n2)
    except NotComputable as error:
        return str(error)
    if paired_design:
        sentence = _(
            "Avec %(n)s élèves mesurés avant et après, seul un effet d'au moins d_z = %(mde)s serait détecté 8 fois "
            "sur 10 (test bilatéral à 5 %%)."
        ) % {"n": n, "mde": _fr(mde)}
    else:
        sentence = _(
            "Avec %(n1)s élèves d'un côté et %(n2)s de l'autre, seul un effet d'au moins %(mde)s écart-type serait "
            "détecté 8 fois sur 10 (test bilatéral à 5 %%)."
        ) % {"n1": n, "n2": n if n2 is None else n2, "mde": _fr(mde)}
    if observed is not None and abs(observed) < mde:
        sentence += " " + _(
            "L'effet observé (%(observed)s) est plus petit : l'absence de résultat net ne prouve pas l'absence d'effet."
        ) % {"observed": _fr(observed)}
    if mde > 0.5:
        sentence += " " + _(
            "C'est un pilote : ses résultats orientent la suite, ils ne suffisent pas à conclure ; il faut plus "
            "d'élèves ou de classes pour mesurer un effet modéré."
        )
    return sentence
