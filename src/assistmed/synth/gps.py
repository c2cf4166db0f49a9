"""Synthetic GP survey: a LimeSurvey export (question codes, answer codes) with complete and partial responses.

The default example reproduces the published univariate results (Pays de la Loire, 2023–2024: 104
responses, 85 complete and 19 partial; `has_assistant` associated with `msp` and `cpts` at p < 0.01, with
`asalee` and `area` at p < 0.05; the three most cited barriers are office layout, funding conditional on a
larger patient list, and fear of losing control). As for the patient example, the counts that carry those
results are assigned by permutation, not drawn: whatever the seed, the cross-tables of every candidate
determinant with `has_assistant` (among respondents who reached page 2) and the barrier totals are those
below; the seed only decides who is who, the dates, the partial responses' positions and the free texts.

The file is written as LimeSurvey writes a CSV export: UTF-8, `,` separator, every field quoted, `\\n` line
ends, system columns first.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from assistmed.codebook import Codebook, load_codebook

DEFAULT_CODEBOOK = "resources/codebooks/gps.yaml"
# Partial responses of the default example by the last page they submitted (5 + 4 + 6 + 4 = 19).
PARTIAL_LASTPAGE = {1: 5, 2: 4, 3: 6, 4: 4}

# Respondents who reached page 2, with and without an assistant (34 + 65 = 99 = 104 − 5 stopped at page 1),
# and, for each candidate determinant, the counts of each level (codebook order; None = left blank) among
# them. Pearson χ² / Fisher on these tables: msp p = 0.0013, cpts p = 0.0015, asalee p = 0.025,
# area p = 0.032; sex 0.37, age 0.76, years 0.60, practice size 0.52, sector 0.32, supervisor 0.30.
WITH, WITHOUT = 34, 65
DETERMINANT_COUNTS: dict[str, dict[object, tuple[int, int]]] = {
    "msp": {"yes": (23, 22), "no": (11, 43)},
    "cpts": {"yes": (27, 30), "no": (7, 35)},
    "asalee": {"yes": (14, 13), "no": (20, 52)},
    "area": {"rural": (16, 15), "semi_rural": (10, 21), "urban": (8, 29)},
    "sex": {"female": (21, 34), "male": (13, 31)},
    "age_group": {"age_under_35": (5, 6), "age_35_44": (10, 14), "age_45_54": (9, 19), "age_55_64": (7, 18),
                  "age_65_plus": (3, 8)},
    "years_in_practice": {"years_under_5": (7, 9), "years_5_9": (9, 13), "years_10_19": (10, 21),
                          "years_20_plus": (8, 22)},
    "practice_size": {"solo": (5, 16), "group_2_4": (17, 29), "group_5_plus": (12, 20)},
    "sector": {"sector_1": (32, 54), "sector_2": (2, 9), None: (0, 2)},
    "supervisor": {"yes": (14, 20), "no": (20, 44), None: (0, 1)},
}
# Variables drawn in the same order from one latent score per respondent, so that they go together as in
# real life (age with years in practice; an MSP with a CPTS, a larger group and an ASALEE nurse) while
# their counts stay exactly those above. Levels are listed from low to high latent score.
COUPLED = {
    "seniority": {"age_group": None, "years_in_practice": None},
    "integration": {
        "msp": ["no", "yes"],
        "cpts": ["no", "yes"],
        "asalee": ["no", "yes"],
        "practice_size": None,
    },
}
DEPARTMENT_WEIGHTS = {"loire_atlantique": 0.33, "maine_et_loire": 0.22, "mayenne": 0.09, "sarthe": 0.14,
                      "vendee": 0.22}

# Barriers among respondents who reached page 4 (85 complete + 4 partial = 89): each GP who cites any
# barrier has one main barrier (counts below, summing with "none" to 89), then further ones up to the totals.
BARRIER_TOTALS = {
    "barrier_office_layout": 44, "barrier_pay_conditional": 38, "barrier_loss_of_control": 33,
    "barrier_cost": 26, "barrier_admin": 23, "barrier_recruitment": 19, "barrier_training": 13,
    "barrier_information": 11, "barrier_patient_acceptance": 8,
}
BARRIER_MAIN = {
    "barrier_office_layout": 20, "barrier_pay_conditional": 16, "barrier_loss_of_control": 12,
    "barrier_cost": 9, "barrier_admin": 7, "barrier_recruitment": 6, "barrier_training": 3,
    "barrier_information": 3, "barrier_patient_acceptance": 2, "other": 1, "barrier_none": 10,
}
OTHER_BARRIERS = [
    "Incertitude sur la pérennité du financement après la troisième année",
    "Réticence de mes associés",
    "Pas le temps de former et d'encadrer quelqu'un",
    "Convention jugée trop contraignante (engagements de patientèle)",
    "Locaux loués, impossible d'ajouter un bureau",
    "Je pars à la retraite dans deux ans",
]
COMMENTS = [
    "Dispositif intéressant mais les conditions de l'aide sont trop rigides.",
    "Depuis l'arrivée de notre assistante, je vois davantage de patients sans rallonger mes journées.",
    "Il faudrait pouvoir partager un assistant entre deux cabinets.",
    "La question des locaux est centrale en centre-ville.",
    "Je crains une médecine à la chaîne.",
    "Très bonne expérience, l'équipe a gagné en sérénité.",
    "Merci pour cette étude, je suis joignable au 06 12 34 56 78 pour en parler.",
    "Le recrutement a pris plus de six mois.",
]
TASKS = {"tasks_reception": 0.9, "tasks_vitals": 0.8, "tasks_preparation": 0.65, "tasks_prevention": 0.45,
         "tasks_coordination": 0.3}
# Survey diffused by the URML on 27/10/2023 with reminders; share of responses starting in each wave.
WAVES = [
    (datetime(2023, 10, 27), 0.42),
    (datetime(2023, 12, 4), 0.2),
    (datetime(2024, 3, 11), 0.18),
    (datetime(2024, 6, 10), 0.12),
    (datetime(2024, 9, 16), 0.08),
]
FIRST_DAY, LAST_DAY = datetime(2023, 10, 27), datetime(2024, 10, 8)


def _split(total: int, reference: dict, reference_total: int) -> dict:
    """Counts proportional to ``reference`` summing to ``total`` (largest remainder; exact at the reference)."""
    raw = {k: v * total / reference_total for k, v in reference.items()}
    counts = {k: int(np.floor(v)) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: counts[k] - raw[k])[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


def _allocate(rng: np.random.Generator, counts: dict, score: np.ndarray | None, order: list | None) -> list:
    """Exactly ``counts[level]`` respondents at each level: at random, or along ``score`` (plus noise)."""
    levels = [level for level, k in counts.items() for _ in range(k)]
    if score is None:
        return [levels[i] for i in rng.permutation(len(levels))]
    ranking = order if order is not None else [level for level in counts if level is not None]
    rank = {level: i for i, level in enumerate(ranking)}
    levels.sort(key=lambda level: -1 if level is None else rank[level])
    noisy = score + rng.normal(0.0, 0.8, len(score))
    out: list = [None] * len(levels)
    for position, respondent in enumerate(np.argsort(noisy, kind="stable")):
        out[respondent] = levels[position]
    # Blank answers belong to nobody in particular: move them to random respondents.
    blanks = [i for i, level in enumerate(out) if level is None]
    for i, j in zip(blanks, rng.choice(len(out), size=len(blanks), replace=False)):
        out[i], out[j] = out[j], out[i]
    return out


def _group_answers(rng: np.random.Generator, size: int, column: int, scale_total: int) -> dict[str, list]:
    """Page 1–2 answers of one has_assistant group (``column`` 0 = with, 1 = without an assistant)."""
    scores = {name: rng.normal(size=size) for name in COUPLED}
    coupled = {var: (latent, order) for latent, members in COUPLED.items() for var, order in members.items()}
    answers: dict[str, list] = {}
    for name, spec in DETERMINANT_COUNTS.items():
        reference = {level: pair[column] for level, pair in spec.items()}
        counts = _split(size, reference, scale_total)
        latent, order = coupled.get(name, (None, None))
        answers[name] = _allocate(rng, counts, scores[latent] if latent else None, order)
    return answers


def _dates(rng: np.random.Generator, n: int) -> list[datetime]:
    """Start times spread over the waves, the first on the launch day and the last on the closing day."""
    starts, weights = zip(*WAVES)
    wave = rng.choice(len(WAVES), size=n, p=np.array(weights) / sum(weights))
    out = []
    for w in wave:
        end = starts[w + 1] if w + 1 < len(WAVES) else LAST_DAY
        span = (end - starts[w]).days
        day = min(int(rng.exponential(6.0)), span - 1)
        minute = int(rng.integers(7 * 60, 21 * 60))
        out.append(starts[w] + timedelta(days=day, minutes=minute, seconds=int(rng.integers(60))))
    out.sort()
    out[0] = out[0].replace(year=FIRST_DAY.year, month=FIRST_DAY.month, day=FIRST_DAY.day)
    out[-1] = out[-1].replace(year=LAST_DAY.year, month=LAST_DAY.month, day=LAST_DAY.day)
    return sorted(out)


def generate_gp_responses(
    codebook: Codebook, *, seed: int, n_responses: int = 104, n_complete: int = 85
) -> pd.DataFrame:
    """One row per response, as codebook keys (None = blank), in the order LimeSurvey numbers them; a
    partial response is blank on every page (codebook `page`) after its `lastpage`."""
    if not 0 < n_complete <= n_responses:
        raise ValueError(f"need 0 < n_complete ≤ n_responses, got {n_complete} of {n_responses}")
    rng = np.random.default_rng(seed)
    last_page = max(v.page for v in codebook.variables if v.page is not None)
    partial = _split(n_responses - n_complete, PARTIAL_LASTPAGE, sum(PARTIAL_LASTPAGE.values()))
    lastpage = [last_page] * n_complete + [page for page, k in partial.items() for _ in range(k)]
    reached_2 = sum(1 for p in lastpage if p >= 2)
    n_with = _split(reached_2, {"with": WITH, "without": WITHOUT}, WITH + WITHOUT)["with"]

    rows: list[dict] = []
    for column, size, has in ((0, n_with, "yes"), (1, reached_2 - n_with, "no")):
        answers = _group_answers(rng, size, column, WITH if column == 0 else WITHOUT)
        rows += [{"has_assistant": has, **{k: v[i] for k, v in answers.items()}} for i in range(size)]
    stopped = n_responses - reached_2
    profile = ["sex", "age_group", "years_in_practice", "area", "sector"]
    for _ in range(stopped):
        donor = rows[int(rng.integers(len(rows)))]
        rows.append({k: donor[k] for k in profile})
    frame = pd.DataFrame(rows)
    # Who stopped where: the page-1 leavers are the extra rows; the other partials are drawn among the rest.
    pages = np.array([last_page] * len(frame))
    pages[reached_2:] = 1
    later_partials = [p for p in lastpage if p >= 2 and p < last_page]
    pages[rng.choice(reached_2, size=len(later_partials), replace=False)] = later_partials
    frame["lastpage"] = pages
    frame["department"] = rng.choice(list(DEPARTMENT_WEIGHTS), size=len(frame), p=list(DEPARTMENT_WEIGHTS.values()))

    _assistant_page(frame, rng)
    _barrier_page(frame, rng)
    _last_page(frame, rng)
    for v in codebook.variables:
        if v.page is not None and v.name in frame:
            frame[v.name] = frame[v.name].astype(object).where(frame["lastpage"] >= v.page, None)

    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    starts = _dates(rng, len(frame))
    duration = [timedelta(seconds=int(s)) for s in rng.integers(6 * 60, 25 * 60, size=len(frame))]
    frame["startdate"] = starts
    frame["datestamp"] = [
        s + (d if p == last_page else d * p / last_page) for s, d, p in zip(starts, duration, frame["lastpage"])
    ]
    frame["submitdate"] = frame["datestamp"].where(frame["lastpage"] == last_page, None)
    # LimeSurvey numbers responses as they start; deleted test responses leave gaps.
    frame["response_id"] = np.cumsum(1 + (rng.random(len(frame)) < 0.05).astype(int)) + 2
    frame["startlanguage"] = "fr"
    frame["response_seed"] = [str(s) for s in rng.integers(10**8, 2 * 10**9, size=len(frame))]
    return frame


def _assistant_page(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Page 3 asks GPs with an assistant about it, and the others whether they plan to hire one."""
    n = len(frame)
    with_ = (frame["has_assistant"] == "yes").to_numpy()
    without = (frame["has_assistant"] == "no").to_numpy()
    since = rng.choice(["under_1_year", "years_1_2", "years_3_plus"], size=n, p=[0.3, 0.45, 0.25])
    satisfaction = rng.choice(
        ["very_satisfied", "rather_satisfied", "rather_dissatisfied", "very_dissatisfied"], size=n,
        p=[0.5, 0.38, 0.09, 0.03],
    )
    intention = rng.choice(["within_year", "later", "never"], size=n, p=[0.12, 0.43, 0.45])
    frame["assistant_since"] = np.where(with_, since, None)
    frame["satisfaction"] = np.where(with_, satisfaction, None)
    frame["hire_intention"] = np.where(without, intention, None)
    ticks = {task: rng.random(n) < p for task, p in TASKS.items()}
    first = np.array(list(ticks.values()))
    nothing = ~first.any(axis=0)
    ticks["tasks_reception"] = ticks["tasks_reception"] | nothing
    for task, ticked in ticks.items():
        frame[task] = np.where(with_, ticked, None)


def _barrier_page(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Exact barrier totals among respondents who reached page 4: one main barrier each, then the rest."""
    reached = np.flatnonzero(frame["lastpage"].to_numpy() >= 4)
    main_counts = _split(len(reached), BARRIER_MAIN, sum(BARRIER_MAIN.values()))
    main = _allocate(rng, main_counts, None, None)
    scale = len(reached) / sum(BARRIER_MAIN.values())
    ticks = {b: np.zeros(len(frame), dtype=bool) for b in [*BARRIER_TOTALS, "barrier_none"]}
    other = [None] * len(frame)
    texts = list(rng.permutation(OTHER_BARRIERS))
    # The GP whose main barrier is « Autre » keeps only the text: LimeSurvey has no box for it.
    citing = [r for r, m in zip(reached, main) if m not in ("barrier_none", "other")]
    for respondent, m in zip(reached, main):
        if m == "other":
            other[respondent] = texts.pop()
        else:
            ticks[m][respondent] = True
    for barrier, total in BARRIER_TOTALS.items():
        extra = max(0, round(total * scale) - int(ticks[barrier].sum()))
        candidates = [r for r in citing if not ticks[barrier][r]]
        ticks[barrier][rng.choice(candidates, size=min(extra, len(candidates)), replace=False)] = True
    for respondent in rng.choice(citing, size=min(3, len(citing)), replace=False):
        if other[respondent] is None and texts:
            other[respondent] = texts.pop()
    for barrier, ticked in ticks.items():
        frame[barrier] = ticked
    frame["barrier_other_text"] = other


def _last_page(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    n = len(frame)
    frame["comment"] = None
    for text, respondent in zip(COMMENTS, rng.choice(n, size=min(n, len(COMMENTS)), replace=False)):
        frame.loc[respondent, "comment"] = text
    wants = rng.random(n) < 0.6
    frame["wants_results"] = np.where(wants, "yes", "no")
    frame["contact_email"] = [f"medecin.{i:03d}@example.org" if w else None for i, w in enumerate(wants)]


def to_export(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The responses as LimeSurvey exports them: answer codes, `Y` or blank in ticked boxes, code headers."""
    out = {}
    for v in codebook.variables:
        values = frame[v.name] if v.name in frame else pd.Series([None] * len(frame))
        if v.is_categorical:
            codes = {c.key: c.code for c in v.codes}
            text = values.map(lambda key: "" if key is None or pd.isna(key) else codes[key])
        elif v.type == "checkbox":
            text = values.map(lambda on: "Y" if on is True or on is np.True_ else "")
        elif v.type == "datetime":
            text = values.map(lambda t: "" if t is None or pd.isna(t) else t.strftime("%Y-%m-%d %H:%M:%S"))
        else:
            text = values.map(lambda x: "" if x is None or (isinstance(x, float) and np.isnan(x)) else str(x))
        out[v.headers[0] if v.headers else v.name] = text.to_numpy()
    return pd.DataFrame(out)


def write_gp_export(
    out_path: Path,
    *,
    seed: int,
    n_responses: int = 104,
    n_complete: int = 85,
    codebook_path: str | Path = DEFAULT_CODEBOOK,
) -> None:
    """Write a synthetic LimeSurvey export (UTF-8, `,`, every field quoted) of the GP survey."""
    codebook = load_codebook(codebook_path)
    responses = generate_gp_responses(codebook, seed=seed, n_responses=n_responses, n_complete=n_complete)
    export = to_export(responses, codebook)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(export.columns)
    writer.writerows(export.itertuples(index=False))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(buffer.getvalue().encode("utf-8"))
