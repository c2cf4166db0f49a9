"""Remove what looks like a direct identifier from text before it reaches any output or message.

Four kinds are recognised: phone numbers (French and international, found by the maintained
`phonenumbers` library, Google's libphonenumber metadata), e-mail addresses (written plainly or disguised
as « jeanne at domaine.fr », « (at) », « arobase »), French social security numbers (NIR), and names after
a civil or professional title (« le Dr Martin », « M Dupont », « Madame de la Fontaine »). Each is
replaced by « [retiré] »; a title is kept, so that « le Dr [retiré] » still reads as a sentence.

Known limits (tests/clean/test_privacy.py lists what is and is not removed): a name without a title
(« Jean Dupont m'a aidé ») or typed in lower case after one (« le dr martin »), a phone number spelt in
words, and a mobile number without its 0 typed as one run of digits (« 612345678 ») are not recognised.
"""

from __future__ import annotations

import re
import unicodedata

REMOVED = "[retiré]"

# Local part, then « @ » or a disguise of it, then a domain with at least one dot (or « point »/« dot »).
_AT = r"(?:\s*@\s*|\s*[\[({<]\s*(?:at|arobase|@)\s*[\])}>]\s*|\s+(?:at|arobase)\s+)"
_DOT = r"(?:\.|\s*[\[({<]\s*(?:dot|point)\s*[\])}>]\s*|\s+(?:dot|point)\s+)"
EMAIL = re.compile(
    rf"(?:mailto:)?[\w.+'-]*\w{_AT}\w[\w-]*(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,24}}\b", re.IGNORECASE
)
# NIR: sex, year, month (or 20–99 for special cases), département (2A/2B for Corsica), commune, order, key.
NIR = re.compile(
    r"(?<![\w.,])[12][\s.]?\d{2}[\s.]?(?:0[1-9]|1[0-2]|[2-9]\d)[\s.]?(?:\d{2}|2[AB])[\s.]?\d{3}[\s.]?\d{3}"
    r"(?:[\s.]?\d{2})?(?![\w]|[.,]\d)"
)
# A title, then a capitalised name: initials, particles (« de la », « d' », « van der ») and compound names
# included. Spelt-out titles in any case, abbreviations with or without their dot, but a dot or a space
# before the name (« MSP » and « PrEP » stay). « M » only in upper case, so that « 3 m. de large » stays.
TITLE = (
    r"(?:M|(?i:mr|mrs|ms|mme|mmes|mlle|mlles|dr|dre|pr|docteure?|professeure?|madame|monsieur|mademoiselle|"
    r"messieurs|mesdames))"
)
NAME_WORD = r"[A-ZÀ-ÖØ-Þ](?:[\w'’-]*\w|\.)?"
PARTICLE = r"(?:(?:de|du|des|la|le|les|van|von|der|den|ter|di|da|del|della|dos|el|ben|ibn)\s+|d['’]\s?)"
NAME = rf"{PARTICLE}*{NAME_WORD}"
TITLED_NAME = re.compile(rf"(?<![\w.])({TITLE}(?:\.\s*|\s+))({NAME}(?:[\s-]+{NAME})*)")
# Phone numbers are only looked for in text with this many digits (a French number has 9 after its 0), which
# leaves dates (« 04/01/2021 »: 8 digits) and codes to the regular expressions alone.
MIN_PHONE_DIGITS = 9


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Where phone numbers are in ``text``, French numbering by default, any country after « + » or 00.

    ``phonenumbers`` is imported here: about 25 ms, paid only by a job that has text with digits to check.
    A match followed by a decimal part (« 0612345678,50 € ») is an amount, not a number to call. Without
    its leading 0 or « + », a number counts only when written as one (with separators) and mobile
    (« 6 12 34 56 78 »): most runs of 9 digits are valid French numbers, LimeSurvey's random seeds included.
    """
    import phonenumbers

    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=phonenumbers.Leniency.POSSIBLE):
        if re.match(r"[.,]\d", text[match.end :]):
            continue
        raw = match.raw_string
        if raw[0] not in "0+(" and (
            raw.isdigit() or phonenumbers.number_type(match.number) != phonenumbers.PhoneNumberType.MOBILE
        ):
            continue
        spans.append((match.start, match.end))
    return spans


def _replace_spans(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + REMOVED + text[end:]
    return text


def scrub_identifiers(text: str) -> str:
    """Replace e-mail addresses, phone numbers, NIR and names after a title by « [retiré] »; keep the rest."""
    text = str(text)
    if "@" in text or re.search(r"(?i)\b(?:at|arobase)\b", text):
        text = EMAIL.sub(REMOVED, text)
    if sum(ch.isdigit() for ch in text) >= MIN_PHONE_DIGITS:
        text = NIR.sub(REMOVED, text)
        text = _replace_spans(text, _phone_spans(text))
    return TITLED_NAME.sub(lambda m: f"{m.group(1)}{REMOVED}", text)


def shown(value: object, limit: int = 40, *, quoted: bool = True) -> str:
    """A cell's value as a message may quote it: scrubbed of identifiers, on one line, at most ``limit``
    characters (« … » marks a cut), between French quotes unless ``quoted`` is false."""
    text = " ".join(scrub_identifiers(str(value)).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"« {text} »" if quoted else text


# Words of a column header that announce contact details, by kind, checked in this order (« Adresse e-mail »
# is an e-mail, not a postal address). Headers are compared folded: no accents, lower case, words only.
CONTACT_WORDS = {
    "email": {"mail", "email", "mails", "emails", "courriel", "courriels", "mel"},
    "phone": {"tel", "telephone", "telephones", "portable", "portables", "mobile", "gsm", "phone", "cellulaire"},
    "name": {"nom", "noms", "prenom", "prenoms", "patronyme", "name", "firstname", "lastname", "surname"},
    "address": {"adresse", "adresses", "address", "rue", "domicile"},
}


def contact_kind(header: str) -> str | None:
    """The kind of contact detail a column header announces (« Portable » → phone), or None."""
    folded = unicodedata.normalize("NFKD", str(header))
    words = set(re.findall(r"[a-z]+", "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()))
    for kind, announcing in CONTACT_WORDS.items():
        if words & announcing:
            return kind
    return None
