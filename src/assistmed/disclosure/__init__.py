"""Small-count protection of everything the project publishes.

``policy`` holds the one policy (« < k », bounds, « s ») and decides it jointly for the figures that constrain
each other; ``audit`` proves, by linear programming over every published figure, that no hidden one can be
recomputed; ``patients`` and ``gps`` describe each strand's published figures as linear systems and write the
published tables the reports and CSV copies format; ``cells`` formats a published figure (a ``Cell``: count,
percentage, interval, status) and writes the methods text from the threshold.
"""

from assistmed.disclosure.policy import Policy, Status

__all__ = ["Policy", "Status"]
