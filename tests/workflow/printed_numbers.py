"""Every number a PDF prints, traced to where it comes from.

A report's text is cut into numbers (« 1 400 », « 26 », « 0,044 », « +19 »). Dates, SHA-256 digests, the
commit, the library versions and the page and figure numbers are taken out first, each checked against its
own source. Each remaining number must be the French rendering of a value of the Parquet tables the report
was built from (a count, a proportion as a percentage, a p-value, a difference in points…), or a number of
the report's fixed text: the codebook's labels and codes, the configuration's settings, the chart axes and
the years of the methods' references. A number found nowhere is a number the report computed or invented.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pypdf import PdfReader

from assistmed.codebook import Codebook
from assistmed.reports.common import library_versions
from assistmed.reports.fmt import fmt_decimal, fmt_int, fmt_points

NN = "\u202f"
NUMBER = re.compile(rf"(?<![\w,.])[+-]?\d{{1,3}}(?:{NN}\d{{3}})+(?:,\d+)?(?![\w])|(?<![\w,.])[+-]?\d+(?:,\d+)?(?![\w])")
DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
HEX = re.compile(r"\b[0-9a-f]{16,64}\b")
PAGE = re.compile(r"page \d+ / \d+")
# The code's fingerprint (the package version and a digest of its files) and the configuration's digest.
CODE = re.compile(r"assistmed \d+\.\d+\.\d+\+[0-9a-f]{16}")
CONFIG = re.compile(r"(Configuration \(SHA-256 des sections utilisées\)) [0-9a-f]{64}")
FIGURE = re.compile(r"Figure \d+ —")
# Numbers of the fixed text: « SHA-256 », chart axes (percent ticks, log ticks of odds ratios), the confidence levels of
# funnel limits, and the years of the methods' references (Mantel–Haenszel 1959, Landis et al. 1978, Agresti 2002,
# Heinze and Schemper 2002, Spiegelhalter 2005).
FIXED = {"256", "0", "10", "20", "25", "30", "40", "50", "60", "70", "75", "80", "90", "100", "95", "99,8", "1959", "1978",
         "2002", "2005", "2", "1", "5",
         "0,1", "0,2", "0,5", "0,05", "0,01", "0,02", "0,001", "0,002", "0,005", "200", "500", "1000"}


def flat(text: str) -> str:
    """Line breaks and runs of spaces as one space; narrow no-break spaces kept (they are part of the format)."""
    return re.sub(r"[ \t\r\n]+", " ", text)


def pdf_text(path: Path) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(path).pages))


def renderings(value) -> set[str]:
    """The ways a report may print a number read from a table."""
    if value is None or isinstance(value, (str, bool)) or (isinstance(value, float) and math.isnan(value)):
        return set()
    if isinstance(value, pd.Timestamp):
        return set()
    x = float(value)
    shown = {fmt_decimal(x, digits) for digits in (0, 1, 2, 3)} | {fmt_points(x)}
    if 0 <= abs(x) <= 1:
        shown |= {fmt_decimal(100 * x, 0), fmt_decimal(100 * x, 1)}
    if x.is_integer():
        shown.add(fmt_int(x))
    return {s.lstrip("+") for s in shown} | shown


def table_numbers(frames: Iterable[pd.DataFrame]) -> set[str]:
    found: set[str] = set()
    for frame in frames:
        for column in frame.columns:
            if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
                for value in pd.unique(frame[column].dropna()):
                    found |= renderings(value)
    return found


def text_numbers(texts: Iterable[str]) -> set[str]:
    return {m.group(0) for text in texts for m in NUMBER.finditer(flat(str(text)))}


def codebook_numbers(codebook: Codebook) -> set[str]:
    """Numbers in the codebook's titles, labels and codes (« Au moins 2 contacts », « 25 à 44 ans », « A1 »…)."""
    texts = [codebook.title_fr, codebook.version]
    for v in codebook.variables:
        texts += [v.label_fr, *(c.code for c in v.codes), *(c.fr for c in v.codes)]
    texts += [ind.label_fr for ind in codebook.indicators]
    return text_numbers(texts)


@dataclass
class Printed:
    """The numbers of one report: those traced to a table, and those traced to nothing (must be none)."""

    from_tables: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)
    dates: int = 0


def trace(
    path: Path,
    *,
    tables: Iterable[pd.DataFrame],
    fixed_text: set[str],
    dates: set[str],
    digests: set[str],
) -> Printed:
    """Cut the report's text into numbers and trace each one (see the module's docstring)."""
    text = pdf_text(path)
    versions = library_versions()
    assert versions in text, "the report must print the installed library versions"
    text = PAGE.sub(" ", FIGURE.sub(" ", text.replace(versions, " ")))
    assert CODE.search(text) and CONFIG.search(text), f"{path.name}: no code fingerprint or configuration digest"
    text = CONFIG.sub(r"\1", CODE.sub(" ", text))
    printed = Printed()
    for date in DATE.findall(text):
        assert date in dates, f"{path.name}: date {date} not in the data or the configuration"
        printed.dates += 1
    text = DATE.sub(" ", text)
    for digest in HEX.findall(text):
        assert digest in digests, f"{path.name}: digest {digest} is not the digest of an input"
    text = HEX.sub(" ", text)
    data = table_numbers(tables)
    for number in NUMBER.findall(text):
        if number in data:
            printed.from_tables.append(number)
        elif number in fixed_text or number in FIXED:
            printed.fixed.append(number)
        else:
            printed.unexplained.append(number)
    return printed


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def dates_of(*values) -> set[str]:
    """« 04/01/2021 » renderings of dates (Timestamps, ISO strings, date columns)."""
    shown = set()
    for value in values:
        items = value if isinstance(value, (list, tuple, set, pd.Series)) else [value]
        for item in items:
            if item is None or (not isinstance(item, str) and pd.isna(item)):
                continue
            shown.add(pd.Timestamp(item).strftime("%d/%m/%Y"))
    return shown
