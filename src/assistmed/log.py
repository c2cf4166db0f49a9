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

    An exception escaping the block is written to the log (with its message, which names the file, row
    and column where the input is at fault) and re-raised so that Snakemake marks the job as failed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("assistmed")
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    saved_stderr = sys.stderr
    with path.open("a", encoding="utf-8") as stream:
        sys.stderr = stream
        try:
            yield logger
        except Exception as exc:
            logger.error("%s", exc)
            raise
        finally:
            sys.stderr = saved_stderr
            logger.removeHandler(handler)
            handler.close()
