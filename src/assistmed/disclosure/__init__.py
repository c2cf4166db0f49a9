"""Small-count protection of everything the project publishes: one policy (``policy``), the linear systems
of the published figures (``patients``) and the audit that proves no hidden figure can be recomputed
(``audit``)."""

from assistmed.disclosure.partition import is_small, suppress_partition, suppress_proportion
from assistmed.disclosure.policy import Policy, Status

__all__ = ["Policy", "Status", "is_small", "suppress_partition", "suppress_proportion"]
