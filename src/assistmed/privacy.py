"""Remove what looks like a direct identifier from free text before it reaches any output."""

from __future__ import annotations

import re

REMOVED = "[retiré]"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# French numbers: 0X XX XX XX XX with spaces, dots or dashes, or +33 / 0033 (with an optional « (0) »).
# The look-arounds keep digits of dates (12/03/2021), amounts and longer numbers out.
PHONE = re.compile(
    r"(?<![\w/.,])(?:(?:\+|00)33\s?(?:\(0\)\s?)?|0)[1-9](?:[\s.-]?\d{2}){4}(?![\w/]|[.,]\d)"
)
# A title, then a capitalised name (an initial, particles and compound names included): « Dr Martin »,
# « Mme Le Goff », « le docteur Durand-Petit », « M. J. Dupont ». Spelt-out titles are matched in any case;
# « M. » only as written, so that a lower-case « m. » (mètre) is left alone.
TITLE = r"(?:M\.|(?i:mr\.?|mme\.?|mlle\.?|dr\.?|pr\.?|docteure?|professeure?|madame|monsieur|mademoiselle))"
NAME_WORD = r"[A-ZÀ-ÖØ-Þ](?:[\w'’-]+|\.)"
NAME = rf"(?:(?:de|du|des|le|la|van|von)\s+|d['’])?{NAME_WORD}"
TITLED_NAME = re.compile(rf"\b({TITLE})(\s+){NAME}(?:\s+{NAME})*")


def scrub_identifiers(text: str) -> str:
    """Replace e-mail addresses, phone numbers and the names after a title by « [retiré] »; keep the rest."""
    text = EMAIL.sub(REMOVED, text)
    text = PHONE.sub(REMOVED, text)
    return TITLED_NAME.sub(lambda m: f"{m.group(1)}{m.group(2)}{REMOVED}", text)
