"""assistmed: evaluation of France's medical assistants (assistants médicaux).

The package holds every transformation and statistic; the Snakemake workflow only orchestrates it.
"""

__version__ = "0.1.0"
