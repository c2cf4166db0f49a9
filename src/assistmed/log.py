"""Logging set-up shared by the workflow's script shims."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def to_log(path: str | Path) -> Iterator[logging.Logger]:
    """Send the ``assistmed`` logger and stderr to a job's log file for the duration of the block.

    An exception escaping the block is written to the log with its traceback; the terminal gets its message
    alone (which names the file, row and column where the input is at fault, in French and English) and the
    log's path, and the job exits with status 1 so that Snakemake marks it as failed. A user reads one
    sentence, not a Python traceback; a developer finds the traceback in the log.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("assistmed")
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    saved_stderr = sys.stderr
    failure = None
    with path.open("a", encoding="utf-8") as stream:
        sys.stderr = stream
        try:
            yield logger
        except Exception as exc:
            logger.exception("%s", exc)
            failure = exc
        finally:
            sys.stderr = saved_stderr
            logger.removeHandler(handler)
            handler.close()
    if failure is not None:
        print(f"{failure} [détails / details : {path}]", file=sys.stderr)
        raise SystemExit(1) from failure
