"""The Prompt tab: the messages sent to the programmer for this node, as sent."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static


def prompt_text(messages: list[dict[str, str]]) -> Text:
    if not messages:
        return Text("No prompt recorded (a person-written node, or not sent yet).", style="italic")
    out = Text()
    for i, message in enumerate(messages):
        role = message.get("role", "?")
        out.append(f"── {role} ", style="bold reverse" if role == "user" else "bold")
        out.append(f"(message {i + 1} of {len(messages)})\n", style="dim")
        out.append(message.get("content", "").rstrip() + "\n\n")
    return out


class PromptView(VerticalScroll):
    def compose(self):
        yield Static(id="prompt-body")

    def show(self, text: Text) -> None:
        self.query_one("#prompt-body", Static).update(text)
