"""spaCy component ``govtext_placeholders`` (importing this module registers it; it imports spaCy).

It only stores what :func:`govtext.placeholders.find_placeholders` returns:
``doc.spans["govtext_placeholders"]`` holds one span per placeholder (label = kind; the span is widened
to token boundaries when a token holds more than the placeholder), and
``doc.user_data["govtext_placeholders"]`` the exact findings (code, severity, offsets, match …) so
:func:`placeholders_from_doc` rebuilds them from a saved Doc.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .lint_config import LintConfig
from .model import Document, Finding
from .placeholders import find_placeholders, load_rules

SPANS_KEY = "govtext_placeholders"


class PlaceholderComponent:
    """Finds placeholders in ``doc.text`` with the given rules and stores them on the Doc."""

    def __init__(self, rules: str | None = None) -> None:
        load_rules(rules)  # a bad rules file fails when the pipeline is built, not on the first Doc
        self.config = LintConfig(rules=rules, inline=True)

    def __call__(self, doc: Doc) -> Doc:
        document = Document(text=doc.text, path=None, source_format="string")
        findings = find_placeholders(document, config=self.config)
        spans = []
        for f in findings:
            span = doc.char_span(f.start_char, f.end_char, label=f.kind, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        doc.user_data[SPANS_KEY] = [f.to_dict() for f in findings]
        return doc


@Language.factory(
    SPANS_KEY,
    assigns=["doc.spans"],
    default_config={"rules": None},
)
def make_placeholder_component(nlp: Language, name: str, rules: str | None) -> PlaceholderComponent:
    """Factory: ``nlp.add_pipe("govtext_placeholders", config={"rules": "my_rules.toml"})``."""
    return PlaceholderComponent(rules)


def placeholders_from_doc(doc: Doc) -> list[Finding]:
    """The findings the component stored on ``doc`` (exact offsets, not the widened spans)."""
    return [Finding(**d) for d in doc.user_data.get(SPANS_KEY, [])]
