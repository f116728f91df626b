"""orps-tui: watch and steer a local LLM solving competitive-programming problems by ORPS."""

__version__ = "0.1.0"
