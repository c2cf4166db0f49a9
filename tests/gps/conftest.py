"""A minimal GP codebook for hand-made frames: the outcome and two yes/no candidates plus a 3-level one."""

import pytest

from assistmed.codebook import parse_codebook

YES_NO = [{"code": "Y", "key": "yes", "fr": "Oui", "en": "Yes"}, {"code": "N", "key": "no", "fr": "Non", "en": "No"}]


@pytest.fixture
def small_codebook():
    return parse_codebook(
        {
            "codebook": "gps-test",
            "version": "1",
            "title": {"fr": "Test", "en": "Test"},
            "id_variable": "response_id",
            "checked": ["Y"],
            "variables": [
                {"name": "response_id", "type": "identifier", "label": {"fr": "Id", "en": "Id"}},
                {"name": "has_assistant", "type": "categorical", "label": {"fr": "Assistant", "en": "Assistant"},
                 "codes": YES_NO},
                {"name": "msp", "type": "categorical", "label": {"fr": "MSP", "en": "MSP"}, "codes": YES_NO},
                {"name": "cpts", "type": "categorical", "label": {"fr": "CPTS", "en": "CPTS"}, "codes": YES_NO},
                {"name": "area", "type": "ordinal", "label": {"fr": "Milieu", "en": "Area"}, "codes": [
                    {"code": "A1", "key": "rural", "fr": "Rural", "en": "Rural"},
                    {"code": "A2", "key": "semi_rural", "fr": "Semi-rural", "en": "Semi-rural"},
                    {"code": "A3", "key": "urban", "fr": "Urbain", "en": "Urban"},
                ]},
                {"name": "barrier_space", "type": "checkbox", "group": "barriers", "label": {"fr": "Place", "en": "Space"}},
                {"name": "barrier_pay", "type": "checkbox", "group": "barriers", "label": {"fr": "Aide", "en": "Pay"}},
                {"name": "barrier_control", "type": "checkbox", "group": "barriers", "label": {"fr": "Maîtrise", "en": "Control"}},
                {"name": "barrier_cost", "type": "checkbox", "group": "barriers", "label": {"fr": "Coût", "en": "Cost"}},
                {"name": "barrier_none", "type": "checkbox", "group": "barriers", "none_option": True,
                 "label": {"fr": "Aucun", "en": "None"}},
                {"name": "barrier_other_text", "type": "text", "group": "barriers", "label": {"fr": "Autre", "en": "Other"}},
            ],
            "associations": [["msp", "has_assistant"], ["cpts", "has_assistant"], ["area", "has_assistant"]],
        },
        source="small-gps.yaml",
    )


def frame_from_cells(cells, columns):
    """Respondents from (count, values…) cells: e.g. (189, 'yes', 'yes') → 189 identical rows."""
    import pandas as pd

    rows = [values for count, *values in cells for _ in range(count)]
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        frame[column] = frame[column].astype(object)
    return frame
