"""Tagged PDF/UA-1: the structure tree a screen reader uses, read back from the PDF."""

import pytest
from pypdf import PdfReader

from assistmed.reports.render import html_to_pdf

from .pdf_structure import accessibility_faults, count_roles

SVG = "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>"
HEAD = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title>' \
       '<meta name="author" content="Équipe"><meta name="description" content="Sujet"></head><body>'
TABLE = "<table><thead><tr><th>Indicateur</th><th>%</th></tr></thead><tbody><tr><td>Femmes</td><td>73</td></tr></tbody></table>"


def render(tmp_path, body):
    html_to_pdf(HEAD + body + "</body></html>", tmp_path / "r.pdf", title="Essai")
    return tmp_path / "r.pdf"


def test_a_report_fragment_is_tagged_with_language_metadata_alt_text_and_header_cells(tmp_path):
    path = render(tmp_path, f'<h1>Essai</h1><figure><img src="{SVG}" alt="Un carré noir"></figure>{TABLE}')
    assert accessibility_faults(path) == []
    roles = count_roles(path)
    assert roles["/Figure"] == 1 and roles["/Table"] == 1 and roles["/TH"] == 2
    reader = PdfReader(path)
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert (reader.metadata.title, reader.metadata.author, reader.metadata.subject) == ("Essai", "Équipe", "Sujet")
    assert b"pdfuaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()


@pytest.mark.parametrize(
    ("body", "fault"),
    [
        (f'<figure><img src="{SVG}"></figure>', "figure sans texte alternatif"),
        ("<table><tbody><tr><td>Femmes</td><td>73</td></tr></tbody></table>", "tableau sans cellule d'en-tête (TH)"),
    ],
)
def test_the_check_fails_on_a_figure_without_alt_text_or_a_table_without_headers(tmp_path, body, fault):
    assert fault in accessibility_faults(render(tmp_path, body))


def test_the_check_fails_on_an_untagged_pdf(tmp_path):
    import weasyprint

    weasyprint.HTML(string=HEAD + TABLE + "</body></html>").write_pdf(tmp_path / "plain.pdf")
    assert "document non balisé (pas d'arbre de structure)" in accessibility_faults(tmp_path / "plain.pdf")
