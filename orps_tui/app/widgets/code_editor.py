"""The practice editor for a solution's language: tree-sitter highlighting when a grammar
wheel for it is installed (tree-sitter-python always; tree-sitter-rust, tree-sitter-cpp
optional: the `languages` extra), plain text otherwise."""

from __future__ import annotations

import importlib
from importlib import resources

from textual.widgets import TextArea

from orps_tui.sandbox.languages import Language

_CPP_BASE_QUERY = """
(comment) @comment
(string_literal) @string
(raw_string_literal) @string
(char_literal) @string
(system_lib_string) @string
(number_literal) @number
(primitive_type) @type
(type_identifier) @type
(call_expression function: (identifier) @function)
(function_declarator declarator: (identifier) @function)
["if" "else" "for" "while" "do" "return" "break" "continue" "switch" "case" "default"
 "struct" "const" "static" "sizeof" "typedef" "enum" "union"] @keyword
["#include" "#define" "#if" "#ifdef" "#ifndef" "#endif" "#else"] @keyword
"""
"""tree-sitter-cpp's own highlights.scm has only what C++ adds to C; this is the C part."""


def code_editor(language: Language, editor_id: str) -> TextArea:
    """A code editor for `language`, highlighted if its grammar is installed."""
    if language is Language.PYTHON:
        return TextArea.code_editor("", language="python", id=editor_id)
    editor = TextArea.code_editor("", language=None, id=editor_id)
    name = _register(editor, language)
    if name is not None:
        try:
            editor.language = name
        except Exception:  # noqa: BLE001 - a grammar that does not load: plain text
            editor.language = None
    return editor


GRAMMARS = {
    Language.RUST: "tree_sitter_rust",
    Language.CPP: "tree_sitter_cpp",
    Language.JAVA: "tree_sitter_java",
}
"""The tree-sitter wheel of each language's grammar (the `languages` extra)."""


def _register(editor: TextArea, language: Language) -> str | None:
    """Register the grammar of `language` with `editor`; its name, or None if absent."""
    module_name = GRAMMARS.get(language)
    if module_name is None:
        return None
    try:
        from tree_sitter import Language as TSLanguage

        module = importlib.import_module(module_name)
        query = resources.files(module_name).joinpath("queries/highlights.scm").read_text()
        grammar = TSLanguage(module.language())
    except (ImportError, OSError, ValueError, TypeError):
        return None
    if language is Language.CPP:
        query = _CPP_BASE_QUERY + query
    editor.register_language(language.value, grammar, query)
    return language.value
