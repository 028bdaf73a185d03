"""siad: a static-site generator for a territory's social-housing applicant information service (SIAD)."""

__version__ = "0.1.0"
