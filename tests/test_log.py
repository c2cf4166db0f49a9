"""A failed job shows its user one sentence; the traceback goes to the job's log."""

import subprocess
import sys

from tests.workflow.conftest import HANG_GUARD_S

SCRIPT = """
import sys
from assistmed.log import to_log
with to_log(sys.argv[1]):
    raise ValueError("vendee-z.csv : fichier vide / empty file (data/vendee-z.csv)")
"""


def test_a_failed_job_prints_its_message_on_one_line_and_keeps_the_traceback_in_its_log(tmp_path):
    log = tmp_path / "logs" / "job.log"
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(log)], capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"vendee-z.csv : fichier vide / empty file (data/vendee-z.csv) [détails / details : {log}]"
    ]
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "ValueError: vendee-z.csv : fichier vide" in text
