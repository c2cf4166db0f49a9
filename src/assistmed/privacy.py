"""Remove what looks like a direct identifier from free text before it reaches any report."""

from __future__ import annotations

import re

REMOVED = "[retiré]"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# French numbers: 0X XX XX XX XX with spaces, dots or dashes, or +33 X …; not dates or amounts.
PHONE = re.compile(r"(?<![\w/])(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?![\w/])")
# A capitalised name after a civility or title: « Dr Martin », « Mme Le Goff », « Monsieur Dupont ».
TITLED_NAME = re.compile(
    r"\b(Dr|Docteur|Pr|Professeur|M\.|Mr|Mme|Madame|Monsieur|Mlle|Mademoiselle)\s+"
    r"(?:[A-ZÀ-Ý][\w'’-]+)(?:\s+(?:[A-ZÀ-Ý][\w'’-]+|de|du|le|la|Le|La))*"
)


def scrub_identifiers(text: str) -> str:
    """Replace e-mail addresses, phone numbers and titled names by « [retiré] »; keep the rest."""
    text = EMAIL.sub(REMOVED, text)
    text = PHONE.sub(REMOVED, text)
    return TITLED_NAME.sub(lambda m: f"{m.group(1)} {REMOVED}", text)
