"""Excel workbooks written to the same bytes for the same content (openpyxl).

openpyxl stamps the « modified » property and every zip member with the current time when it saves: both
are rewritten with a fixed time, so that the same inputs give the same file (results are compared by bytes).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from assistmed.io import atomic_path

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import Cell

FIXED_TIME = datetime(2021, 6, 1, 9, 0, 0)
# Characters a workbook cannot hold (openpyxl refuses them): control characters but tab and newlines.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def workbook_bytes(workbook: Workbook, *, creator: str, when: datetime = FIXED_TIME) -> bytes:
    """The .xlsx bytes of ``workbook`` with its creator and every timestamp fixed."""
    workbook.properties.creator = creator
    workbook.properties.created = workbook.properties.modified = when
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    fixed = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            member = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, data)
    return fixed.getvalue()


def save_workbook(workbook: Workbook, target: str | Path, *, creator: str) -> None:
    """Write ``workbook`` atomically and byte-reproducibly."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(workbook_bytes(workbook, creator=creator))


def set_text(cell: Cell, value: object) -> Cell:
    """Put ``value`` in ``cell`` as text that a spreadsheet shows and never evaluates (« =1+1 » stays text)."""
    cell.value = ILLEGAL.sub("", "" if value is None else str(value))
    cell.data_type = "s"
    return cell
