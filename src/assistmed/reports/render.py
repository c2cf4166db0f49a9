"""Render a Jinja2 template to PDF with WeasyPrint, safely and reproducibly.

Safety: templates always autoescape, and the URL fetcher refuses every resource except files inside this
package's template folder and inline images, whatever a template or a data value asks for.
Reproducibility: no clock in the PDF, a fixed identifier, HarfBuzz font subsetting (fontTools stamps time).
Accessibility: tagged PDF/UA-1 (structure tree with headings, tables with header cells, figures with their
alternative text), the language, title, author and subject taken from the HTML's lang, <title> and <meta>.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2

from assistmed.io import atomic_path
from assistmed.reports.fmt import FILTERS

log = logging.getLogger("assistmed.reports")
TEMPLATES = Path(__file__).resolve().parent / "templates"
ALLOWED_DATA = ("data:image/svg+xml", "data:image/png")
# PDF/UA-1 (ISO 14289-1): WeasyPrint ≥ 66 tags the document and writes the XMP metadata it requires.
PDF_VARIANT = "pdf/ua-1"


def make_environment(loader: jinja2.BaseLoader | None = None) -> jinja2.Environment:
    # autoescape=True, not select_autoescape(): the latter returns False for "*.html.j2" names.
    env = jinja2.Environment(
        loader=loader or jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def _is_allowed(url: str) -> bool:
    if url.startswith(ALLOWED_DATA):
        return True
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return False
    target = Path(unquote(parsed.path)).resolve()
    return target.is_relative_to(TEMPLATES)


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class PackageOnlyFetcher(URLFetcher):
        """Fetches package template files and inline images; refuses (and logs) everything else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if not _is_allowed(url):
                self.refused.append(url)
                log.warning("ressource refusée (hors du paquet) : %s", url)
                raise ValueError(f"refused: {url}")
            return super().fetch(url, headers)

    return PackageOnlyFetcher


def render_html(template_name: str, context: Mapping, env: jinja2.Environment | None = None) -> str:
    return (env or make_environment()).get_template(template_name).render(**context)


def html_to_pdf(html: str, output: str | Path, *, title: str) -> list[str]:
    """Write the PDF atomically; return the URLs the fetcher refused."""
    import weasyprint
    from weasyprint.text.ffi import harfbuzz_subset

    if harfbuzz_subset is None:
        raise RuntimeError(
            "WeasyPrint would fall back to fontTools: install the Debian package libharfbuzz-subset0 "
            "(apt-get install libharfbuzz-subset0); PDFs would be slow and not reproducible."
        )
    fetcher = _fetcher_class()()
    document = weasyprint.HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher).render()
    identifier = hashlib.sha256(title.encode("utf-8")).hexdigest()[:32].encode()
    with atomic_path(output) as tmp:
        document.write_pdf(tmp, pdf_identifier=identifier, pdf_variant=PDF_VARIANT)
    return fetcher.refused


def render_pdf(template_name: str, context: Mapping, output: str | Path, *, title: str) -> list[str]:
    """Render ``template_name`` with ``context`` to ``output`` (PDF); return refused URLs."""
    return html_to_pdf(render_html(template_name, context), output, title=title)
