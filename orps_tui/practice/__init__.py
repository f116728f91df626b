"""Practice mode core: history, custom tests, stress testing. No Textual here."""
