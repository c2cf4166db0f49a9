"""Read a PDF's structure tree back (what a screen reader navigates) and list its accessibility faults."""

from __future__ import annotations

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject


def _kids(element: DictionaryObject) -> list[DictionaryObject]:
    kids = element.get("/K")
    if kids is None:
        return []
    kids = kids.get_object()
    items = kids if isinstance(kids, ArrayObject) else [kids]
    found = []
    for item in items:
        item = item.get_object()
        if isinstance(item, DictionaryObject) and "/S" in item:
            found.append(item)
    return found


def structure_elements(path) -> list[tuple[str, DictionaryObject, list[str]]]:
    """Every structure element as (role, element, roles of its descendants), depth first."""
    root = PdfReader(path).trailer["/Root"]
    tree = root.get("/StructTreeRoot")
    if tree is None:
        return []
    found = []

    def walk(element: DictionaryObject) -> list[str]:
        below = []
        for kid in _kids(element):
            below.append(str(kid["/S"]))
            below += walk(kid)
        found.append((str(element["/S"]), element, below))
        return below

    for top in _kids(tree.get_object()):
        walk(top)
    return found


def accessibility_faults(path) -> list[str]:
    """What makes the PDF fail our accessibility bar (empty when it passes): not tagged, no language, a
    figure without alternative text, a table without header cells."""
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    faults = []
    if "/StructTreeRoot" not in root or not root.get("/MarkInfo", {}).get("/Marked"):
        faults.append("document non balisé (pas d'arbre de structure)")
    if not str(root.get("/Lang", "")).strip():
        faults.append("langue du document absente (/Lang)")
    for role, element, below in structure_elements(path):
        if role == "/Figure" and not str(element.get("/Alt", "")).strip():
            faults.append("figure sans texte alternatif")
        if role == "/Table" and "/TH" not in below:
            faults.append("tableau sans cellule d'en-tête (TH)")
    return faults


def count_roles(path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for role, _, _ in structure_elements(path):
        counts[role] = counts.get(role, 0) + 1
    return counts
