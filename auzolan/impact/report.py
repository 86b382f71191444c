"""The impact report of an experiment, as plain JSON-able data (the page, the decision's evidence and the open dataset
all read the same dictionary).

Per outcome (overall, then each competence measured): the mean per group and wave with its 95 % CI; the pre→post
change of each group (Hedges' g_z, the effect size of the paired t-test, and g_av, comparable with between-groups
effects, each with its 95 % CI); the difference-in-differences against the comparison group when there is one; Hake's
normalised gain as a secondary figure; the minimum detectable effect in plain French.

Small cells (`participation.small_counts.is_small` with the experiment's `min_cell_size`): a cohort with too few
answers at a wave is left out of that wave's figures — and of its group's pooled figures, so that it cannot be worked
out by subtraction — and the report says which and why; a group or competence left with too few pupils is not
reported.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.impact import selectors
from auzolan.impact import statistics as st
from auzolan.impact.models import Cohort, Experiment, Wave
from auzolan.participation.small_counts import is_small

KINDS = (Cohort.Kind.INTERVENTION, Cohort.Kind.COMPARISON)


def _r(value, digits: int = 3):
    return None if value is None else round(float(value), digits)


def _interval(interval) -> list | None:
    return None if interval is None else [_r(interval.low), _r(interval.high)]


def _paired_dict(result: st.PairedResult) -> dict:
    return {
        "n": result.n,
        "dropped": result.dropped,
        "mean_pre": _r(result.mean_pre),
        "mean_post": _r(result.mean_post),
        "mean_diff": _r(result.mean_diff),
        "diff_ci": _interval(result.diff_ci),
        "t": _r(result.t),
        "df": result.df,
        "p": _r(result.p, 4),
        "r": _r(result.correlation),
        "g_z": _r(result.g_z),
        "g_z_ci": _interval(result.g_z_ci),
        "g_av": _r(result.g_av),
        "g_av_ci": _interval(result.g_av_ci),
    }


def _did_dict(result: st.DidResult) -> dict:
    return {
        "n_intervention": result.n_intervention,
        "n_comparison": result.n_comparison,
        "gain_intervention": _r(result.gain_intervention),
        "gain_comparison": _r(result.gain_comparison),
        "estimate": _r(result.estimate),
        "ci": _interval(result.ci),
        "df": _r(result.df, 1),
        "p": _r(result.p, 4),
        "standardised": _r(result.standardised),
        "standardised_ci": _interval(result.standardised_ci),
    }


def _reportable_cohorts(data: selectors.Scores, cohorts: list[Cohort], wave_kinds: list[str], minimum: int):
    """{wave kind: set of cohort pks with enough answers}, and the exclusions to explain."""
    shown: dict[str, set[int]] = {}
    excluded = []
    overall = data.scores.get(selectors.OVERALL, {})
    for wave_kind in wave_kinds:
        shown[wave_kind] = set()
        for cohort in cohorts:
            n = len(overall.get(wave_kind, {}).get(cohort.pk, {}))
            if n == 0:
                continue
            if is_small(n, minimum):
                excluded.append({"cohort": cohort.name, "wave": str(Wave.Kind(wave_kind).label)})
            else:
                shown[wave_kind].add(cohort.pk)
    return shown, excluded


def _pairs(outcome: dict, cohort_pks, pre: str, post: str) -> list[tuple]:
    pairs = []
    for cohort_pk in cohort_pks:
        before = outcome.get(pre, {}).get(cohort_pk, {})
        after = outcome.get(post, {}).get(cohort_pk, {})
        for code in set(before) | set(after):
            pairs.append((before.get(code), after.get(code)))
    return pairs


def _outcome_report(
    key, label, outcome: dict, cohorts, shown, wave_kinds, minimum: int, scale: tuple[int, int]
) -> dict:
    by_kind = {kind: [c for c in cohorts if c.kind == kind] for kind in KINDS}
    descriptives = []
    for wave_kind in wave_kinds:
        for kind in KINDS:
            group = [c for c in by_kind[kind] if c.pk in shown[wave_kind]]
            rows = [(c.name, [c.pk]) for c in group]
            if len(group) > 1:
                rows.append((_("Ensemble du groupe"), [c.pk for c in group]))
            for name, pks in rows:
                values = [v for pk in pks for v in outcome.get(wave_kind, {}).get(pk, {}).values()]
                row = {"kind": kind, "kind_label": str(Cohort.Kind(kind).label), "cohort": name, "wave": wave_kind}
                row |= {"wave_label": str(Wave.Kind(wave_kind).label), "pooled": len(pks) > 1, "message": ""}
                # The row that stands for the whole group at this wave: the pooled one, or the only class shown.
                row |= {"classes": len(pks), "group_row": len(pks) > 1 or len(group) == 1}
                row |= {"n": None, "mean": None, "sd": None, "ci": None}
                if is_small(len(values), minimum):
                    row["message"] = _("Moins de %(n)s réponses : non publié.") % {"n": minimum}
                    row["n"] = None
                else:
                    try:
                        summary = st.describe(values)
                        row |= {"n": summary.n, "mean": _r(summary.mean), "sd": _r(summary.sd)}
                        row["ci"] = _interval(summary.ci)
                    except st.NotComputable as error:
                        row |= {"n": len(values), "message": str(error)}
                descriptives.append(row)
    report = {"key": str(key), "label": label, "descriptives": descriptives, "changes": {}, "did": None, "hake": None}
    if not ("pre" in wave_kinds and "post" in wave_kinds):
        return report
    pair_lists = {}
    for kind in KINDS:
        pks = [c.pk for c in by_kind[kind] if c.pk in shown["pre"] and c.pk in shown["post"]]
        if not by_kind[kind]:
            continue
        pairs = _pairs(outcome, pks, "pre", "post")
        complete = [p for p in pairs if p[0] is not None and p[1] is not None]
        pair_lists[kind] = pairs
        change: dict = {"kind_label": str(Cohort.Kind(kind).label), "message": "", "power": "", "dropped": 0}
        if is_small(len(complete), minimum) or not complete:
            change["message"] = _(
                "Moins de %(n)s élèves ont répondu avant et après : l'évolution n'est pas publiée."
            ) % {"n": minimum}
        else:
            try:
                change |= _paired_dict(st.paired(pairs))
                change["power"] = st.power_sentence(len(complete), paired_design=True, observed=change["g_z"])
            except st.NotComputable as error:
                change["message"] = str(error)
        report["changes"][kind] = change
    if "comparison" in pair_lists and "intervention" in pair_lists:
        treated = [p for p in pair_lists["intervention"] if None not in p]
        control = [p for p in pair_lists["comparison"] if None not in p]
        if is_small(len(treated), minimum) or is_small(len(control), minimum) or not treated or not control:
            report["did"] = {"message": _("Un des deux groupes a trop peu d'élèves mesurés avant et après.")}
        else:
            try:
                did = _did_dict(st.difference_in_differences(treated, control)) | {"message": ""}
                did["power"] = st.power_sentence(
                    len(treated), paired_design=False, n2=len(control), observed=did["standardised"]
                )
                report["did"] = did
            except st.NotComputable as error:
                report["did"] = {"message": str(error)}
    change = report["changes"].get("intervention", {})
    if "mean_pre" in change:
        low, high = scale
        pre = st.to_percent(change["mean_pre"], low, high)
        post = st.to_percent(change["mean_post"], low, high)
        try:
            gain = st.normalised_gain(pre, post)
            report["hake"] = {"pre": _r(pre, 1), "post": _r(post, 1), "g": _r(gain), "band": st.gain_band(gain)}
        except st.NotComputable as error:
            report["hake"] = {"message": str(error)}
    return report


def experiment_report(*, experiment: Experiment) -> dict:
    """The whole report (see the module docstring)."""
    data = selectors.scores(experiment=experiment)
    cohorts = list(experiment.cohorts.all())
    wave_kinds = [w.kind for w in experiment.waves.order_by("opens_on") if w.kind in data.scores[selectors.OVERALL]]
    minimum = experiment.min_cell_size
    shown, excluded = _reportable_cohorts(data, cohorts, wave_kinds, minimum)
    has_comparison = any(c.kind == Cohort.Kind.COMPARISON for c in cohorts)
    outcomes = []
    order = [selectors.OVERALL, *sorted(data.labels, key=lambda pk: data.labels[pk][0])]
    for key in order:
        if key == selectors.OVERALL:
            label = _("Score global (moyenne des compétences)")
        else:
            code, title = data.labels[key]
            label = f"{code} {title}"
        outcomes.append(
            _outcome_report(key, label, data.scores.get(key, {}), cohorts, shown, wave_kinds, minimum, data.scale)
        )
    return {
        "experiment": experiment.slug,
        "title": experiment.title,
        "framework": f"{experiment.framework.code} {experiment.framework.version}",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "min_cell_size": minimum,
        "scale": list(data.scale),
        "design": "pre_post_comparison" if has_comparison else "pre_post",
        "clusters": {kind: sum(1 for c in cohorts if c.kind == kind) for kind in KINDS},
        "waves": [{"kind": kind, "label": str(Wave.Kind(kind).label)} for kind in wave_kinds],
        "excluded": excluded,
        "outcomes": outcomes,
    }
