"""Synthetic patient questionnaires, entered as a practice's data-entry clerk would type them.

The pooled default example reproduces the reference study (Vendée, 2021) to the whole percent: exact
counts are assigned by permutation rather than drawn, so that cleaning (which turns the planted dirty cells
into missing values) leaves exactly the published proportions among those who answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from assistmed.codebook import Codebook, Variable
from assistmed.xlsx import workbook_bytes

FIRST_NAMES = ["Camille", "Dominique", "Claude", "Alix", "Sacha", "Morgane", "Yannick", "Maël", "Gwenn", "Loïc"]
LAST_NAMES = ["Testard", "Exemple", "Fictif", "Synthèse", "Modèle", "Essai", "Demo", "Factice"]
COMMENTS = [
    "Très bonne initiative, l'assistante est souriante et efficace.",
    "On ne sait pas toujours qui est l'assistante et quel est son rôle.",
    "Le médecin a plus de temps pour m'écouter depuis qu'elle est là.",
    "J'ai attendu plus longtemps que d'habitude ce jour-là.",
    "Je préfère voir directement le médecin pour les questions intimes.",
    "Très utile pour les papiers et les rendez-vous de spécialistes.",
    "Au début j'étais méfiant, maintenant je la connais bien.",
    "Il faudrait mieux informer les patients de ce nouveau fonctionnement.",
    "La prise de tension avant la consultation fait gagner du temps.",
    "Rien à signaler, tout s'est bien passé.",
    "<b>merci</b> voir http://exemple.fr",
    "Vous pouvez me rappeler au 06 00 00 12 34 pour en parler.",
    "Le Dr Martin et son assistante forment un bon binôme.",
    "=1+1 ceci n'est pas une formule",
]
PERIOD_START, PERIOD_DAYS = date(2021, 1, 4), 145


@dataclass(frozen=True)
class Targets:
    """Pooled counts among respondents who answered (after cleaning), and how many did not answer."""

    women: int
    sex_missing: int
    contacts_2plus: int
    contacts_missing: int
    favourable: int
    opinion_missing: int
    any_service: int
    services_skipped: int
    any_discomfort: int
    discomfort_skipped: int
    interview_candidates: int


def _targets(n: int, calibrated: bool) -> Targets:
    if calibrated and n == 364:
        # 263/360 = 73.1 %, 290/358 = 81.0 %, 306/356 = 86.0 %, 177/340 = 52.1 %, 59/330 = 17.9 %
        return Targets(263, 4, 290, 6, 306, 8, 177, 24, 59, 34, 15)
    answered = n - max(1, n // 60)
    return Targets(
        round(0.73 * answered), n - answered, round(0.81 * answered), n - answered, round(0.86 * answered),
        n - answered, round(0.52 * answered), n - answered, round(0.18 * answered), n - answered,
        max(0, round(n * 15 / 364)),
    )


def _exact(rng: np.random.Generator, n: int, k: int, weight: np.ndarray | None = None) -> np.ndarray:
    """A boolean mask with exactly k True, chosen with probability increasing with ``weight``."""
    scores = rng.random(n) if weight is None else rng.random(n) ** (1 / np.maximum(weight, 1e-9))
    mask = np.zeros(n, dtype=bool)
    mask[np.argsort(-scores, kind="stable")[:k]] = True
    return mask


def _codes(codebook: Codebook, name: str) -> dict[str, str]:
    return {c.key: c.code for c in codebook.variable(name).codes}


def generate_patients(
    codebook: Codebook, practices: Mapping[str, int], *, seed: int, calibrated: bool = True
) -> pd.DataFrame:
    """One row per accepted questionnaire (codes as entered, before dirt), with a ``practice`` column."""
    rng = np.random.default_rng(seed)
    ids = list(practices)
    sizes = np.array([practices[p] for p in ids])
    n = int(sizes.sum())
    t = _targets(n, calibrated)
    practice_idx = np.repeat(np.arange(len(ids)), sizes)
    # Practices differ: a practice-level mood shifts opinions and discomfort.
    mood = np.linspace(-1.0, 1.0, len(ids))[rng.permutation(len(ids))]
    person_mood = mood[practice_idx] + rng.normal(0, 1.0, n)

    def answered_mask(missing: int) -> np.ndarray:
        return ~_exact(rng, n, missing)

    data: dict[str, list] = {}
    sex = np.full(n, "", dtype=object)
    ans = answered_mask(t.sex_missing)
    women = _exact(rng, int(ans.sum()), t.women)
    sex[ans] = np.where(women, "female", "male")
    data["sex"] = sex

    age_keys = codebook.variable("age_group").keys
    data["age_group"] = rng.choice(age_keys, n, p=[0.08, 0.30, 0.32, 0.17, 0.13])
    diploma_keys = codebook.variable("diploma").keys
    diploma_level = rng.choice(len(diploma_keys), n, p=[0.15, 0.27, 0.22, 0.22, 0.14])
    data["diploma"] = np.array(diploma_keys, dtype=object)[diploma_level]
    data["distance_km"] = np.round(rng.gamma(2.0, 3.0, n), 1)

    contacts = np.full(n, "", dtype=object)
    ans = answered_mask(t.contacts_missing)
    many = _exact(rng, int(ans.sum()), t.contacts_2plus)
    four_plus = many & (rng.random(int(ans.sum())) < 0.45)
    contacts[ans] = np.where(~many, "one", np.where(four_plus, "four_plus", "two_three"))
    data["contacts"] = contacts
    contact_level = np.select([contacts == "one", contacts == "two_three", contacts == "four_plus"], [0, 1, 2], 1)

    opinion = np.full(n, "", dtype=object)
    ans = answered_mask(t.opinion_missing)
    fav = _exact(rng, int(ans.sum()), t.favourable, np.exp(person_mood[ans]))
    very = fav & (rng.random(int(ans.sum())) < 0.55)
    very_bad = ~fav & (rng.random(int(ans.sum())) < 0.3)
    opinion[ans] = np.where(
        fav, np.where(very, "very_favourable", "rather_favourable"),
        np.where(very_bad, "very_unfavourable", "rather_unfavourable"),
    )
    data["opinion"] = opinion

    def group(names: list[str], skipped: int, successes: int, weight: np.ndarray, ticks: float) -> dict:
        boxes = {name: np.zeros(n, dtype=bool) for name in names}
        ans = answered_mask(skipped)
        success = np.zeros(n, dtype=bool)
        success[np.flatnonzero(ans)[_exact(rng, int(ans.sum()), successes, weight[ans])]] = True
        real = names[:-1]
        for i in np.flatnonzero(success):
            chosen = rng.random(len(real)) < ticks
            chosen[rng.integers(len(real))] = True
            for name, on in zip(real, chosen):
                boxes[name][i] = bool(on)
        boxes[names[-1]] = ans & ~success
        return boxes, ans

    services = [v.name for v in codebook.group_members("services", include_none=False)] + [
        v.name for v in codebook.group_members("services") if v.none_option
    ]
    discomfort = [v.name for v in codebook.group_members("discomfort", include_none=False)] + [
        v.name for v in codebook.group_members("discomfort") if v.none_option
    ]
    service_boxes, _ = group(services, t.services_skipped, t.any_service, 1.0 + contact_level, 0.3)
    discomfort_boxes, _ = group(discomfort, t.discomfort_skipped, t.any_discomfort, np.exp(-person_mood), 0.25)
    any_discomfort = np.any([discomfort_boxes[d] for d in discomfort[:-1]], axis=0)

    # Perceived changes depend on the number of contacts; approval on the diploma.
    def ordered_answer(score: np.ndarray, keys: list[str], cuts: tuple[float, float], missing_rate: float):
        values = np.where(score > cuts[1], keys[0], np.where(score > cuts[0], keys[1], keys[2])).astype(object)
        values[rng.random(n) < missing_rate] = ""
        return values

    wait_keys = codebook.variable("evolution_wait").keys
    data["wait"] = ordered_answer(0.35 * contact_level + 0.3 * person_mood + rng.normal(0, 1, n), wait_keys, (-0.6, 1.3), 0.04)
    data["quality"] = ordered_answer(0.3 * contact_level + 0.4 * person_mood + rng.normal(0, 1, n), wait_keys, (-0.9, 1.2), 0.04)
    approval_keys = codebook.variable("role_approval").keys
    approval_score = 0.2 * diploma_level + 0.3 * person_mood + rng.normal(0, 1, n)
    approval = np.select(
        [approval_score > 2.0, approval_score > 0.4, approval_score > -0.6], approval_keys[:3], approval_keys[3]
    ).astype(object)
    approval[rng.random(n) < 0.03] = ""
    data["approval"] = approval

    negatives = (
        np.isin(opinion, ["rather_unfavourable", "very_unfavourable"]).astype(int)
        + (data["wait"] == "worse") + (data["quality"] == "worse")
        + np.isin(approval, ["rather_no", "not_at_all"]) + any_discomfort
    )
    eligible = np.flatnonzero(negatives >= 2)
    others = np.flatnonzero(negatives < 2)
    k = min(t.interview_candidates, len(eligible))
    reachable = np.zeros(n, dtype=bool)
    reachable[rng.choice(eligible, k, replace=False)] = True
    reachable[rng.choice(others, min(len(others), round(0.27 * n)), replace=False)] = True
    consent = np.where(reachable, "yes", np.where(rng.random(n) < 0.12, "yes", "no")).astype(object)
    consent[~reachable & (negatives >= 2)] = "no"

    dates = sorted(PERIOD_START + timedelta(days=int(d)) for d in rng.integers(0, PERIOD_DAYS, n))
    rows = []
    counters = dict.fromkeys(ids, 0)
    for i in range(n):
        practice = ids[practice_idx[i]]
        counters[practice] += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        with_phone = reachable[i] and rng.random() < 0.85
        with_mail = reachable[i] and (not with_phone or rng.random() < 0.4)
        row = {
            "practice": practice,
            "questionnaire_id": str(100 * (practice_idx[i] + 1) * 10 + counters[practice]),
            "return_date": dates[i].strftime("%d/%m/%Y"),
            "sex": sex[i], "age_group": data["age_group"][i], "diploma": data["diploma"][i],
            "distance_km": f"{data['distance_km'][i]:.1f}".replace(".", ","),
            "contacts": contacts[i], "overall_opinion": opinion[i],
            "evolution_wait": data["wait"][i], "evolution_quality": data["quality"][i],
            "role_approval": approval[i], "interview_consent": consent[i],
            "comment": COMMENTS[int(rng.integers(len(COMMENTS)))] if rng.random() < 0.25 else "",
            "contact_name": f"{first} {last}" if reachable[i] else "",
            "contact_phone": f"06 00 00 {int(rng.integers(10, 99))} {int(rng.integers(10, 99))}" if with_phone else "",
            "contact_email": f"{first.lower()}.{last.lower()}@example.fr" if with_mail else "",
        }
        for name in services:
            row[name] = bool(service_boxes[name][i])
        for name in discomfort:
            row[name] = bool(discomfort_boxes[name][i])
        rows.append(row)
    return pd.DataFrame(rows)


def to_entry(frame: pd.DataFrame, codebook: Codebook, *, header_alias: int = 0) -> pd.DataFrame:
    """Codes as typed by a clerk (ticked box « x »), under the file's headers."""
    out = {}
    for v in codebook.variables:
        values = frame[v.name]
        if v.is_categorical:
            codes = _codes(codebook, v.name)
            values = values.map(lambda key: codes.get(key, ""))
        elif v.type == "checkbox":
            values = values.map(lambda on: "x" if on else "")
        header = v.headers[min(header_alias, len(v.headers) - 1)] if v.headers else v.name
        out[header] = values.astype(str).to_numpy()
    return pd.DataFrame(out)


def workbook_entries(frame: pd.DataFrame, codebook: Codebook) -> list[dict[str, object]]:
    """Accepted questionnaires (``generate_patients``) as typed values for ``template.fill_entry_workbook``:
    category keys, ticked boxes, numbers and dates as such; no answer is None."""
    entries = []
    for record in frame.to_dict("records"):
        entry: dict[str, object] = {}
        for v in codebook.variables:
            value = record[v.name]
            if isinstance(value, str) and not value:
                value = None
            elif v.type in {"numeric", "integer"}:
                value = float(value.replace(",", "."))
            elif v.type == "date":
                value = datetime.strptime(value, "%d/%m/%Y").date()
            entry[v.name] = value
        entries.append(entry)
    return entries


def add_dirt(entry: pd.DataFrame, rng: np.random.Generator, *, planted: list[tuple[int, str, str]]) -> pd.DataFrame:
    """Overwrite given cells (row position, column, raw text) with what real data entry looks like."""
    entry = entry.copy()
    for position, column, text in planted:
        entry.iat[position, entry.columns.get_loc(column)] = text
    for column in entry.columns:
        ticked = entry[column] == "x"
        upper = ticked & (rng.random(len(entry)) < 0.3)
        entry.loc[upper, column] = "X"
    return entry


def write_practice_file(frame: pd.DataFrame, path: str | Path) -> None:
    """French Excel CSV (`;`, cp1252, CRLF) or a byte-reproducible .xlsx, chosen by the file's ending."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        path.write_bytes(_xlsx_bytes(frame))
        return
    text = frame.to_csv(sep=";", index=False, lineterminator="\r\n")
    path.write_bytes(text.encode("cp1252"))


def _xlsx_bytes(frame: pd.DataFrame) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Saisie"
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([int(v) if isinstance(v, str) and v.isdigit() and len(v) < 6 else v for v in row])
    return workbook_bytes(workbook, creator="assistmed.synth")


EXAMPLE_PRACTICES = {
    "vendee-a": (70, 260, ".csv"),
    "vendee-b": (52, 240, ".csv"),
    "vendee-c": (68, 220, ".xlsx"),
    "vendee-d": (60, 250, ".csv"),
    "vendee-e": (64, 230, ".csv"),
    "vendee-f": (50, 200, ".csv"),
}
# How the clerks typed the answers that cleaning will treat as missing (per variable, in order of use).
MISSING_AS_TYPED = {
    "sex": ["NSP", "nsp", "", " "],
    "contacts": ["1;2", "7", "NSP", "", "2 et 3", ""],
    "overall_opinion": ["NSP", "", "nsp", "", "", "", "", ""],
}
# Practice that uses the questionnaire's short « Qn » headers instead of the long ones.
SHORT_HEADERS = {"vendee-e"}


def example_entries(codebook: Codebook, *, seed: int) -> dict[str, pd.DataFrame]:
    """The six practice files of the default example, as text, dirt and rejected rows included."""
    rng = np.random.default_rng(seed + 1)
    accepted = generate_patients(codebook, {p: v[0] for p, v in EXAMPLE_PRACTICES.items()}, seed=seed)
    missing_left = {k: list(v) for k, v in MISSING_AS_TYPED.items()}
    entries = {}
    for practice, part in accepted.groupby("practice", sort=False):
        part = part.reset_index(drop=True)
        alias = 99 if practice in SHORT_HEADERS else 0
        entry = to_entry(part, codebook, header_alias=alias)
        planted = []
        for name, texts in missing_left.items():
            column = list(entry.columns)[codebook.names.index(name)]
            for position in np.flatnonzero(part[name].to_numpy() == ""):
                if texts:
                    planted.append((int(position), column, texts.pop(0)))
        columns = list(entry.columns)

        def col(name: str) -> str:
            return columns[codebook.names.index(name)]

        if practice == "vendee-b":
            planted.append((0, col("distance_km"), "850"))
        if practice == "vendee-d":
            planted.append((1, col("return_date"), "31/02/2021"))
        if practice == "vendee-f":
            first_woman = int(np.flatnonzero(part["sex"].to_numpy() == "female")[0])
            planted.append((first_woman, col("sex"), " 2 "))
        entry = add_dirt(entry, rng, planted=planted)
        entries[practice] = _with_rejected_rows(practice, entry, col)
    return entries


def _with_rejected_rows(practice: str, entry: pd.DataFrame, col) -> pd.DataFrame:
    """Rows that cleaning must quarantine, placed where data entry would have put them."""
    rows = [entry.iloc[i] for i in range(len(entry))]
    ident = col("questionnaire_id")
    if practice == "vendee-a":  # the same questionnaire typed twice
        rows.insert(11, entry.iloc[4].copy())
    elif practice == "vendee-b":  # another questionnaire typed with an already used number
        other = entry.iloc[7].copy()
        other[ident] = entry.iloc[2][ident]
        rows.insert(21, other)
    elif practice == "vendee-d":  # a number with no answer at all
        blank = entry.iloc[0].copy()
        blank[:] = ""
        blank[ident] = str(int(entry[ident].astype(int).max()) + 1)
        rows.append(blank)
    elif practice == "vendee-e":  # answers without a questionnaire number
        unnumbered = entry.iloc[9].copy()
        unnumbered[ident] = ""
        rows.insert(30, unnumbered)
    return pd.DataFrame(rows).reset_index(drop=True)


def write_example(out: str | Path, codebook: Codebook, *, seed: int, region: str = "pays-de-la-loire") -> list[Path]:
    written = []
    for practice, entry in example_entries(codebook, seed=seed).items():
        path = Path(out) / region / "patients" / f"{practice}{EXAMPLE_PRACTICES[practice][2]}"
        write_practice_file(entry, path)
        written.append(path)
    return written


# The example practice whose questionnaires were typed a second time, independently (double entry).
DOUBLE_ENTRY = "vendee-f"
# Share of answer cells typed differently in the second entry (a realistic rate for trained data entry).
SECOND_ENTRY_ERROR_RATE = 0.01


def _mistyped(variable: Variable, text: str, rng: np.random.Generator) -> str:
    """What a second clerk might type instead of ``text`` (never the same answer)."""
    if variable.is_categorical:
        others = [c.code for c in variable.codes if c.code != text.strip()]
        return str(rng.choice(others))
    if variable.type == "checkbox":
        return "" if text.strip() else "x"
    if variable.type in {"numeric", "integer"}:
        return f"{float(text.replace(',', '.')) + 1:.1f}".replace(".", ",")
    if variable.type == "date":
        typed = datetime.strptime(text, "%d/%m/%Y").date()
        return (typed + timedelta(days=1 if typed.day < 28 else -1)).strftime("%d/%m/%Y")
    return text[:-1]


def second_entry(entry: pd.DataFrame, codebook: Codebook, *, seed: int) -> pd.DataFrame:
    """An independent second entry of the questionnaires of ``entry`` (a practice file as typed).

    About ``SECOND_ENTRY_ERROR_RATE`` of the answer cells are typed differently (another code, a box
    ticked or not, a number or a date off by one, a character dropped from a comment) and one questionnaire
    is forgotten. Contact columns and questionnaire numbers are typed as in the first entry.
    """
    rng = np.random.default_rng(seed)
    variables = codebook.variables
    answer_columns = [
        i for i, v in enumerate(variables) if v.name != codebook.id_variable and not v.restricted
    ]
    # A blank number, date or comment has no plausible mistyping: those cells are not candidates.
    candidates = [
        (row, column)
        for row in range(len(entry))
        for column in answer_columns
        if entry.iat[row, column].strip() or variables[column].is_categorical or variables[column].type == "checkbox"
    ]
    errors = round(SECOND_ENTRY_ERROR_RATE * len(entry) * len(answer_columns))
    second = entry.copy()
    for index in sorted(rng.choice(len(candidates), errors, replace=False)):
        row, column = candidates[index]
        second.iat[row, column] = _mistyped(variables[column], entry.iat[row, column], rng)
    forgotten = int(rng.integers(len(second)))
    return second.drop(index=second.index[forgotten]).reset_index(drop=True)


def write_second_entry(out: str | Path, codebook: Codebook, *, seed: int, region: str = "pays-de-la-loire") -> Path:
    """The double-entry example: the second entry of ``DOUBLE_ENTRY``, as a French Excel CSV."""
    entry = example_entries(codebook, seed=seed)[DOUBLE_ENTRY]
    path = Path(out) / region / "patients" / f"{DOUBLE_ENTRY}-saisie2.csv"
    write_practice_file(second_entry(entry, codebook, seed=seed + 2), path)
    return path


def write_region(
    out: str | Path, codebook: Codebook, *, region: str, practices: int, returns: int, seed: int
) -> dict[str, dict]:
    """N practice files of a plausible synthetic region (benchmarks); returns their config entries."""
    ids = {f"{region}-{i:04d}": returns for i in range(1, practices + 1)}
    accepted = generate_patients(codebook, ids, seed=seed, calibrated=False)
    entries = {}
    for practice, part in accepted.groupby("practice", sort=False):
        path = Path(out) / region / "patients" / f"{practice}.csv"
        write_practice_file(to_entry(part.reset_index(drop=True), codebook), path)
        entries[practice] = {"file": path.as_posix(), "distributed": returns * 4}
    return entries
