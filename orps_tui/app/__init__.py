"""The Textual app: a thin driver of the search engine."""
