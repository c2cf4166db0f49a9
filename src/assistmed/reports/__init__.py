"""PDF reports: French formatting, safe Jinja2 + WeasyPrint rendering, and one module per strand."""
