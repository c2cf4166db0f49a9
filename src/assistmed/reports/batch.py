"""Several reports in one job: fixed-size chunks of practices, rendered by forked worker processes.

A job pays Python, pandas, matplotlib and WeasyPrint start-up and WeasyPrint's first layout (fonts) once, then
renders each report of its chunk. WeasyPrint and matplotlib are pure Python for the most part: threads would
take turns on the GIL, and matplotlib's rc settings are global (two threads drawing charts at once changed a
report's bytes), so the reports of a chunk are shared among processes forked after the heavy imports, which
inherit the loaded modules. Each report is written atomically by its own process: the same bytes whatever the
number of processes.

This module imports nothing heavy: the workflow cuts the chunks from it when it reads the configuration.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

log = logging.getLogger("assistmed.reports")

# The render function of the current batch, set before the workers are forked (they inherit it).
_render: Callable[[str], None] | None = None


def chunks(items: Sequence[str], size: int) -> list[list[str]]:
    """``items`` in their order, cut into consecutive chunks of ``size`` (the last one may be shorter).

    A chunk depends only on the items before it: adding an item at the end never moves another one.
    """
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


class BatchError(RuntimeError):
    """One or more reports of a batch failed; the message names each one and says why."""


def _attempt(name: str) -> tuple[str, str | None]:
    """Render one report; the failure's message (its traceback goes to the log), or None."""
    try:
        _render(name)
    except Exception as exc:
        log.exception("%s : %s", name, exc)
        return name, str(exc) or type(exc).__name__
    return name, None


def render_each(
    names: Sequence[str],
    render: Callable[[str], None],
    processes: int = 1,
    *,
    unwritten: str = "Rapport non écrit / report not written",
) -> None:
    """Call ``render(name)`` for every name, in this process or shared among ``processes`` forked workers.

    Every name is attempted even after a failure; then one error, opening with ``unwritten`` (what was not
    written, French / English), names every output that failed, with its reason. ``render`` writes its output
    atomically, so a failed one leaves no file behind.
    """
    global _render
    _render = render
    try:
        workers = min(processes, len(names))
        if workers <= 1:
            outcomes = [_attempt(name) for name in names]
        else:
            context = multiprocessing.get_context("fork")
            try:
                with ProcessPoolExecutor(workers, mp_context=context) as pool:
                    outcomes = list(pool.map(_attempt, names))
            except BrokenProcessPool as exc:
                raise BatchError(
                    f"Un processus de rendu s'est arrêté / a render process died (memory?) — {unwritten}: "
                    + ", ".join(names)
                ) from exc
    finally:
        _render = None
    failures = [f"{name} : {reason}" for name, reason in outcomes if reason is not None]
    if failures:
        raise BatchError(f"{unwritten} — " + " ; ".join(failures))
