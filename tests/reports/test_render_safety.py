"""The renderer escapes data, fetches nothing from outside the package and is reproducible."""

import jinja2
from pypdf import PdfReader

from assistmed.reports.render import html_to_pdf, make_environment, render_html


def text_of(path):
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_hostile_comment_renders_as_visible_text(tmp_path, recording_server):
    port, requests = recording_server
    comment = f"<script>x</script> <link rel=stylesheet href=http://127.0.0.1:{port}/x.css>"
    env = make_environment(jinja2.DictLoader({"t.html.j2": "<html><body><p>{{ c }}</p></body></html>"}))
    html_to_pdf(render_html("t.html.j2", {"c": comment}, env), tmp_path / "a.pdf", title="t")
    assert "<script>x</script>" in text_of(tmp_path / "a.pdf")
    assert requests == []


def test_a_hostile_template_fetches_nothing_outside_the_package(tmp_path, recording_server):
    port, requests = recording_server
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    html = (
        f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/a.css">'
        f'<link rel="attachment" href="{secret.as_uri()}"></head>'
        f'<body><img src="{secret.as_uri()}"><img src="http://127.0.0.1:{port}/i.png">'
        "<p>Bonjour</p></body></html>"
    )
    refused = html_to_pdf(html, tmp_path / "b.pdf", title="t")
    assert requests == []
    assert secret.as_uri() in refused
    assert b"TOP-SECRET-CONTENT" not in (tmp_path / "b.pdf").read_bytes()


def test_the_same_input_renders_to_identical_bytes(tmp_path):
    html = "<html lang=fr><head><title>T</title></head><body><h1>Titre</h1><p>26 %</p></body></html>"
    html_to_pdf(html, tmp_path / "1.pdf", title="T")
    html_to_pdf(html, tmp_path / "2.pdf", title="T")
    assert (tmp_path / "1.pdf").read_bytes() == (tmp_path / "2.pdf").read_bytes()
