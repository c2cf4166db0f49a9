"""Free-text answers as a report shows them: markup, links and spreadsheet-formula signs removed, blanks
collapsed, and exact repeats counted once with their number.

The text reaching this module is already scrubbed of identifiers (names after a title, phone numbers,
e-mail addresses) by the cleaning step. What is removed here is what makes a comment unreadable or
misleading in print: « <b>merci</b> voir http://exemple.fr » becomes « merci voir [lien] », « =1+1 … »
loses its leading « = » (an instruction for a spreadsheet, not the respondent's words).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import pandas as pd

LINK = "[lien]"
TAG = re.compile(r"<\s*/?\s*[A-Za-z][^<>]{0,200}>")
URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s<>\"]+", re.IGNORECASE)
FORMULA_SIGNS = "=+@"
BLANKS = re.compile(r"\s+")
TEXT_COLUMNS = ["scope", "group", "text", "n"]


def tidy_text(text: str) -> str:
    """The words of a free-text answer without markup, links, formula signs or runs of blanks ("" if none)."""
    text = html.unescape(TAG.sub(" ", str(text)))
    text = URL.sub(LINK, text)
    text = BLANKS.sub(" ", text).strip()
    return text.lstrip(FORMULA_SIGNS + " ").strip()


def distinct_texts(frame: pd.DataFrame, *, text: str, by: Sequence[str] = ()) -> pd.DataFrame:
    """Distinct tidied texts of column ``text`` with their number of occurrences ``n``, per group of ``by``
    columns; empty texts dropped; most frequent first, then alphabetical (a stable, readable order)."""
    tidied = frame[text].dropna().astype(str).map(tidy_text)
    tidied = tidied[tidied != ""]
    keys = [frame.loc[tidied.index, column].astype(str) for column in by]
    counted = (
        pd.DataFrame({**{column: key for column, key in zip(by, keys)}, "text": tidied})
        .groupby([*by, "text"], sort=False)
        .size()
        .rename("n")
        .reset_index()
    )
    counted["n"] = counted["n"].astype("int64")
    order = [*by, "n", "text"]
    return counted.sort_values(order, ascending=[True] * len(by) + [False, True], kind="mergesort", ignore_index=True)
