"""The judge: isolation, runner, checkers, profiler, static metrics. No Textual here."""
