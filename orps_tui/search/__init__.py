"""The ORPS engine: tree, prompts, parsing, scoring, baselines, sessions. No Textual here."""
