"""« L'essentiel » (page 1 of every report) and the « Limites » box, drawn from the result tables by explicit
rules, in the manner of the DREES *Études et résultats*: a few sentences a reader keeps, and the headline
figures with their n / N and interval.

Every rule is a function of result tables (the Parquet files the analysis steps write) that returns its
sentences, possibly none; a report lists its rules in order and keeps the first ``MAX_MESSAGES`` sentences.
Numbers are formatted, never computed: a message prints values read from a table. A cell that the
small-count rule hides in a table is never printed in a message either.

The rules:

- *differs from the rest* — a unit (a practice in its region, a region among the regions) differs from the
  rest of its pool on an indicator when the interval of the difference (Newcombe's hybrid score, comparison
  table of assistmed.patients.compare) excludes 0; the largest differences first. The comparison is with the
  rest of the pool, not the pool itself, which contains the unit. Unadjusted for the number of comparisons:
  the « Limites » box says so.
- *most cited* — for each indicator of a multiple-choice question (« au moins un service rendu »), the box
  ticked most often.
- *associations* — the tests of the scope significant after the multiple-testing correction (p adjusted
  below ``SIGNIFICANCE``), smallest adjusted p first, comparisons of units (practice × item) left to the
  rule above.
- *interviews* — the flow from selection to coded interviews and the theme most interviews raised.
- *determinants* (GP survey) — the candidate determinants significant after correction, with the share of
  GPs working with an assistant at each level.
- *barriers* (GP survey) — the three barriers cited most.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from assistmed.codebook import Codebook
from assistmed.disclosure.cells import Published
from assistmed.disclosure.policy import Status
from assistmed.reports.common import variable_label
from assistmed.reports.fmt import fmt_decimal, fmt_int, fmt_p, fmt_percent, fmt_points

MAX_MESSAGES = 5
MAX_DIFFERENCES = 3
SIGNIFICANCE = 0.05
# Headline figures: the codebook's indicators a reader looks for first, in this order (absent ones skipped).
PATIENT_HEADLINES = ("response_rate", "overall_favourable", "any_service", "any_discomfort", "role_approved")
GP_HEADLINES = ("with_assistant", "in_msp", "in_cpts", "any_barrier", "satisfied", "plans_to_hire")


def _short(label: str) -> str:
    """« Service rendu : aide aux démarches » → « aide aux démarches » (a box label without its question)."""
    return label.split(" : ", 1)[-1]


def _p_is(p: float) -> str:
    """« = 0,044 » or « < 0,001 » (never « = < 0,001 »)."""
    text = fmt_p(p)
    return text if text.startswith("<") else f"= {text}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def headline_figures(
    codebook: Codebook,
    published: Published,
    scope: str,
    names: Sequence[str],
    *,
    reference: tuple[str, str] | None = None,
    confidence: float = 0.95,
) -> list[dict]:
    """One figure per indicator of ``names`` published for ``scope``: label, value (%), n / N and interval
    (at ``confidence``), and the ``reference`` scope's value (id, name) when given — each as published (a
    hidden figure prints its mark or bound, never its value). A figure hidden only to protect another (« s »)
    says nothing on page 1 and is left to the indicator table, where its footnote explains it."""
    known = {ind.name: ind for ind in codebook.indicators}
    figures = []
    for name in names:
        if name not in known or (scope, name, "") not in published:
            continue
        cell = published.cell(scope, name)
        if cell.status == Status.SECONDARY:
            continue
        ref = ""
        if reference is not None and (reference[0], name, "") in published:
            ref = f"{reference[1]} : {published.cell(reference[0], name).percent}"
        figures.append(
            {
                "label": known[name].label_fr,
                "value": cell.percent,
                "nN": cell.n_over_N,
                "ci": f"IC {fmt_percent(confidence)} {cell.ci}" if cell.interval else "",
                "ref": ref,
                "hidden": not cell.shown,
            }
        )
    return figures


def printable_comparisons(comparisons: pd.DataFrame, published: Published | None) -> pd.DataFrame:
    """The comparisons whose unit's and pool's figures are shown as they are (the rest of the pool is their
    difference: a hidden figure would be given back by it)."""
    if published is None or comparisons.empty:
        return comparisons
    keep = [
        (r.scope, r.indicator, "") in published and published.cell(r.scope, r.indicator).shown
        and (r.pool, r.indicator, "") in published and published.cell(r.pool, r.indicator).shown
        for r in comparisons.itertuples(index=False)
    ]
    return comparisons[keep]


def difference_messages(
    codebook: Codebook,
    comparisons: pd.DataFrame,
    unit: str,
    *,
    rest_name: str,
    published: Published | None = None,
    limit: int = MAX_DIFFERENCES,
) -> list[str]:
    """*differs from the rest* for one unit: its largest differences, or one sentence saying there is none
    (only figures ``published`` as they are)."""
    rows = comparisons[comparisons["scope"] == unit]
    if rows.empty:
        return []
    shown = printable_comparisons(rows, published)
    differing = shown[shown["differs"]].assign(size=lambda f: f["difference"].abs())
    differing = differing.sort_values("size", ascending=False, kind="mergesort").head(limit)
    if differing.empty:
        subject = "L'indicateur comparé" if len(rows) == 1 else f"Aucun des {fmt_int(len(rows))} indicateurs"
        verb = "ne s'écarte pas" if len(rows) == 1 else "ne s'écarte"
        return [
            f"{subject} {verb} du reste {rest_name} au-delà des fluctuations d'échantillonnage (l'intervalle de "
            "l'écart contient 0)."
        ]
    messages = []
    for r in differing.itertuples(index=False):
        way = "plus" if r.difference > 0 else "moins"
        messages.append(
            f"{codebook.indicator(r.indicator).label_fr} : {way} fréquent que dans le reste {rest_name} "
            f"({fmt_percent(r.prop)} contre {fmt_percent(r.prop_rest)}, écart {fmt_points(r.difference)} points, "
            f"IC [{fmt_points(r.diff_low)} ; {fmt_points(r.diff_high)}])."
        )
    return messages


def units_differing_message(
    codebook: Codebook,
    comparisons: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    unit_noun: str,
    rest_name: str,
    published: Published | None = None,
    limit: int = MAX_DIFFERENCES,
) -> list[str]:
    """*differs from the rest* over all units of a pool: how many differ on at least one indicator (among
    the figures ``published`` as they are), and the largest differences."""
    if comparisons.empty:
        return []
    shown = printable_comparisons(comparisons, published)
    differing = shown[shown["differs"]]
    n_units = comparisons["scope"].nunique()
    if differing.empty:
        return [
            f"Aucun des {fmt_int(n_units)} {unit_noun}s ne s'écarte du reste {rest_name} au-delà des fluctuations "
            "d'échantillonnage, quel que soit l'indicateur."
        ]
    largest = differing.assign(size=differing["difference"].abs()).sort_values("size", ascending=False, kind="mergesort")
    examples = [
        f"{labels.get(r.scope, r.scope)} ({_lower_first(codebook.indicator(r.indicator).label_fr)} "
        f"{fmt_percent(r.prop)} contre {fmt_percent(r.prop_rest)})"
        for r in largest.head(limit).itertuples(index=False)
    ]
    n_differing = differing["scope"].nunique()
    verb = "s'écarte" if n_differing == 1 else "s'écartent"
    return [
        f"{fmt_int(n_differing)} {unit_noun}{'s' if n_differing > 1 else ''} sur {fmt_int(n_units)} {verb} du reste "
        f"{rest_name} pour au moins un indicateur ; écarts les plus nets : {' ; '.join(examples)}."
    ]


def most_cited_messages(codebook: Codebook, published: Published, scope: str) -> list[str]:
    """*most cited*: for each multiple-choice indicator of ``scope``, its share and the box ticked most
    (figures shown as they are only)."""
    messages = []
    for ind in codebook.indicators:
        if ind.group is None or (scope, ind.name, "") not in published or not published.cell(scope, ind.name).shown:
            continue
        boxes = [
            published.row(scope, v.name, "checked")
            for v in codebook.group_members(ind.group, include_none=False)
            if (scope, v.name, "checked") in published and published.cell(scope, v.name, "checked").shown
        ]
        if not boxes:
            continue
        top = max(boxes, key=lambda r: int(r["n"]))  # the first of equals, in codebook order
        messages.append(
            f"{ind.label_fr} : {published.cell(scope, ind.name).percent} des répondants ; le plus cité : "
            f"{_short(codebook.variable(top['variable']).label_fr)} "
            f"({published.cell(scope, top['variable'], 'checked').percent})."
        )
    return messages


def association_messages(
    codebook: Codebook, associations: pd.DataFrame, scope: str, *, p_adjust_name: str, limit: int = 2
) -> list[str]:
    """*associations*: the scope's tests significant after correction (units' comparisons left out); at a
    pooled scope, each says whether it holds once patients are taken as clustered in practices (the
    design-based test, ``p_design``), else gives the test stratified by practice."""
    tests = associations[(associations["scope"] == scope) & ~associations["var_a"].isin(["practice", "region"])]
    significant = tests[tests["p_adjusted"] < SIGNIFICANCE].sort_values("p_adjusted", kind="mergesort")
    if tests.empty:
        return []
    if significant.empty:
        return [
            f"Aucune des {fmt_int(len(tests))} associations testées ne reste significative après correction "
            f"de {p_adjust_name}."
        ]
    messages = []
    for r in significant.head(limit).itertuples(index=False):
        pair = f"« {variable_label(codebook, r.var_a)} » et « {variable_label(codebook, r.var_b)} »"
        naive = f"p ajusté ({p_adjust_name}) {_p_is(r.p_adjusted)}"
        design, stratified = getattr(r, "p_design", float("nan")), getattr(r, "p_stratified", float("nan"))
        if not pd.isna(design) and design >= SIGNIFICANCE:
            messages.append(
                f"Association entre {pair} ({naive}), qui n'est plus significative une fois pris en compte le "
                f"regroupement des patients par cabinet (plan de sondage : p {_p_is(design)})."
            )
            continue
        if not pd.isna(design):
            extra = f" ; plan de sondage : p {_p_is(design)}"
        else:
            extra = "" if pd.isna(stratified) else f" ; stratifié par cabinet : p {_p_is(stratified)}"
        messages.append(f"Association entre {pair} ({naive}{extra}).")
    return messages


def interview_message(flow: pd.DataFrame | None, themes: pd.DataFrame | None, selected: str | None) -> list[str]:
    """*interviews*: selected (``selected``: the published total) → interviewed, and the theme most
    interviews raised."""
    if flow is None or flow.empty or selected is None:
        return []
    counts = flow.set_index("stage")["n"]
    text = f"Entretiens : {selected} patients sélectionnés, {fmt_int(counts['interviewed'])} interrogés"
    if themes is not None and len(themes):
        top = themes.iloc[0]
        text += (
            f" ; thème le plus fréquent : « {top['label']} » ({fmt_int(top['n_interviews'])} entretiens sur "
            f"{fmt_int(top['n_total'])}), chez des patients choisis pour leurs réponses négatives"
        )
    return [text + "."]


def determinant_messages(
    codebook: Codebook,
    determinants: pd.DataFrame,
    published: Published,
    *,
    p_adjust_name: str,
    limit: int = 3,
) -> list[str]:
    """*determinants*: significant after correction, with the share with an assistant at each level (a level
    whose counts with or without an assistant are hidden is not printed: its share would give them back)."""
    per_variable = determinants.drop_duplicates("variable")
    significant = per_variable[per_variable["p_adjusted"] < SIGNIFICANCE].sort_values("p_adjusted", kind="mergesort")
    if per_variable.empty:
        return []
    if significant.empty:
        return [
            f"Aucun des {fmt_int(len(per_variable))} déterminants candidats ne reste associé à la présence d'un "
            f"assistant après correction de {p_adjust_name}."
        ]
    messages = []
    for r in significant.head(limit).itertuples(index=False):
        variable = codebook.variable(r.variable)
        levels = determinants[(determinants["variable"] == r.variable) & (determinants["n_level"] > 0)]
        parts = [
            f"{fmt_percent(s.prop_with)} ({variable.label_for_key(s.level).lower()})"
            for s in levels.itertuples(index=False)
            if share_printable(published, r.variable, s.level)
        ]
        if len(parts) < 2:
            continue
        messages.append(
            f"{variable.label_fr} : travaillent avec un assistant {' contre '.join(parts)} des médecins "
            f"(p ajusté ({p_adjust_name}) {_p_is(r.p_adjusted)})."
        )
    return messages


def share_printable(published: Published, variable: str, level: str) -> bool:
    """Whether the share of GPs with an assistant at a level may be printed: both its counts (with and
    without an assistant) are shown."""
    keys = [(scope, variable, level) for scope in ("with_assistant", "without_assistant")]
    return all(key in published and published.cell(*key).shown for key in keys)


def barrier_message(codebook: Codebook, published: Published, limit: int = 3) -> list[str]:
    """*barriers*: the most cited among those shown, with their shares."""
    frame = published.frame
    none = {v.name for v in codebook.variables if v.none_option}
    rows = frame[(frame["scope"] == "all") & (frame["category"] == "cited") & (frame["status"] == "shown")]
    rows = rows[~rows["variable"].isin(none)].sort_values("n", ascending=False, kind="mergesort").head(limit)
    if rows.empty:
        return []
    cited = [
        f"{_lower_first(_short(codebook.variable(b).label_fr))} ({published.cell('all', b, 'cited').percent})"
        for b in rows["variable"]
    ]
    return [f"Freins les plus cités : {' ; '.join(cited)}."]


def first_messages(*groups: list[str], limit: int = MAX_MESSAGES) -> list[str]:
    """The rules' sentences in order, at most ``limit``."""
    return [m for group in groups for m in group][:limit]


def return_rate_limit(published: Published, scope: str) -> list[str]:
    """The return rate (always published: it describes no answer) and what it implies (non-response)."""
    if (scope, "response_rate", "") not in published:
        return []
    r = published.cell(scope, "response_rate")
    return [
        f"Taux de retour de {r.percent} ({r.count} questionnaires conservés sur "
        f"{r.n_over_N.split(' / ')[1]} distribués) : les patients qui n'ont pas répondu peuvent voir l'assistante "
        "autrement que les répondants."
    ]


def patient_limits(
    published: Published,
    scope: str,
    *,
    practices: int,
    comparisons: int,
    threshold: int | None = None,
    interviews_min_negative: int | None = None,
    rest_name: str = "de la région",
    design: pd.DataFrame | None = None,
    strata: int = 1,
) -> list[str]:
    """The « Limites » box of a patient report; ``practices`` is 1 for a practice report, ``comparisons`` the
    number of unit-versus-rest comparisons the report draws messages from (against the rest ``rest_name``);
    ``design``: a pooled scope's rows of the indicators table (design effects, ICC, degrees of freedom),
    ``strata`` the regions its practices are stratified by."""
    limits = return_rate_limit(published, scope)
    if practices == 1:
        limits.append(
            "Un cabinet volontaire de l'expérimentation : les résultats décrivent ses patients répondants ; les "
            "effectifs sont faibles, les intervalles larges"
            + (f", et les effectifs inférieurs à {threshold} sont masqués." if threshold else ".")
        )
    else:
        limits.append(
            f"{fmt_int(practices)} cabinets volontaires : les résultats décrivent ces cabinets, non l'ensemble des "
            "cabinets employant un assistant médical."
        )
        limits.append(design_limit(design, practices=practices, strata=strata))
    if comparisons:
        limits.append(
            f"{fmt_int(comparisons)} comparaisons avec le reste {rest_name}, sans correction pour leur nombre : "
            "à 95 %, environ une sur vingt ressort par hasard."
        )
    if interviews_min_negative is not None:
        limits.append(
            f"Entretiens : seuls des patients ayant donné au moins {fmt_int(interviews_min_negative)} réponses "
            "négatives et accepté d'être rappelés ont été sélectionnés ; les thèmes décrivent l'expérience de "
            "patients insatisfaits, non celle de l'ensemble des répondants."
        )
    limits.append(
        "Questionnaire auto-administré, rempli au cabinet : réponses déclaratives, exposées à un biais de "
        "complaisance envers l'équipe soignante."
    )
    return limits


FEW_PRACTICES = 20  # below it, a design-based interval rests on few degrees of freedom


def design_limit(design: pd.DataFrame | None, *, practices: int, strata: int = 1) -> str:
    """What clustering does to a pooled scope's figures, from its rows of the indicators table: the design
    effects and ICCs of its indicators, the degrees of freedom; or, without design-based figures, that its
    intervals are too narrow."""
    rows = None if design is None else design.dropna(subset=["deff"])
    if rows is None or rows.empty:
        return (
            "Les intervalles et tests poolés traitent les patients comme indépendants, alors que ceux d'un même "
            "cabinet se ressemblent : ils sont trop étroits. Chaque test poolé est refait stratifié par cabinet "
            "(« p stratifié »)."
        )
    df = fmt_int(rows["design_df"].iloc[0])
    stratified = f", stratifiés par région ({fmt_int(strata)} régions)" if strata > 1 else ""
    few = " ; avec si peu de cabinets, ces intervalles restent approximatifs" if practices < FEW_PRACTICES else ""
    return (
        f"Les patients ont été recrutés par {fmt_int(practices)} cabinets{stratified}, et ceux d'un même cabinet "
        "se ressemblent : les intervalles et les tests « plan de sondage » en tiennent compte (cabinets pris comme "
        f"grappes, {df} degrés de liberté). Effet de plan {_span(rows['deff'], 1)} selon l'indicateur, "
        f"corrélation intra-cabinet (ICC) {_span(rows['icc'], 2)}{few}."
    )


def _span(values: pd.Series, digits: int) -> str:
    """« de 0,5 à 4,8 », or « de 2,5 » when every value prints the same."""
    low, high = fmt_decimal(values.min(), digits), fmt_decimal(values.max(), digits)
    return f"de {low}" if low == high else f"de {low} à {high}"


def gp_limits(summary: pd.DataFrame, *, model_estimated: bool) -> list[str]:
    """The « Limites » box of the GP report (``summary``: the one-row respondents table)."""
    r = summary.iloc[0]
    return [
        f"{fmt_int(r['responses'])} médecins ont répondu d'eux-mêmes à un questionnaire diffusé en ligne : "
        "autosélection (les médecins intéressés par les assistants médicaux ont pu répondre davantage) ; le nombre "
        "de médecins ayant reçu le questionnaire n'est pas connu, aucun taux de réponse n'est calculé.",
        f"{fmt_int(r['partial'])} réponses partielles analysées avec les questions atteintes : les effectifs varient "
        "d'une question à l'autre.",
        "Associations univariées : un déterminant peut en refléter un autre"
        + (" ; le modèle multivarié n'ajuste que sur ses covariables, fixées avant l'analyse." if model_estimated
           else " ; le modèle multivarié n'a pas pu être estimé."),
        "Questions sur l'assistant (tâches, satisfaction) posées aux seuls médecins qui en emploient un, intention "
        "de recruter aux seuls autres ; réponses déclaratives.",
    ]
