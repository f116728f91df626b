"""Model backends behind one async interface (`base.ChatModel`). No Textual here."""
