"""spaCy component ``govtext_placeholders`` (registered through the ``spacy_factories`` entry point;
it imports spaCy).

It runs the ``placeholders`` stage of :func:`govtext.analyze` and stores the result:
``doc._.govtext_placeholders`` holds the exact findings (code, severity, offsets, match …; see
:mod:`govtext.doc_component`) and ``doc.spans["govtext_placeholders"]`` one span per placeholder
(label = kind; widened to token boundaries when a token holds more than the placeholder). Own rules
(``config={"rules": "my_rules.toml"}``) are saved with the pipeline (``nlp.to_disk``) and read back
from there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .analysis import analyze
from .doc_component import char_spans, document_of, store_analysis
from .lint_config import LintConfig
from .model import Finding
from .placeholders import load_rules

SPANS_KEY = "govtext_placeholders"
RULES_FILE = "rules.toml"


class PlaceholderComponent:
    """Finds placeholders in a ``Doc`` with the given rules (default: the shipped ones) and stores them."""

    def __init__(self, rules: str | None = None) -> None:
        self.rules = rules
        self.config: LintConfig | None = None
        if rules is None or Path(rules).exists():
            self._use(rules)  # a bad rules file fails when the pipeline is built, not on the first Doc
        # else: ``spacy.load`` of a saved pipeline; ``from_disk`` brings the rules saved with it

    def _use(self, rules: str | None) -> None:
        load_rules(rules)
        self.rules = rules
        self.config = LintConfig(rules=rules, inline=True)

    def __call__(self, doc: Doc) -> Doc:
        if self.config is None:
            self._use(self.rules)  # names the missing file (DataFileError)
        analysis = analyze(document_of(doc), stages=("placeholders",), config=self.config)
        store_analysis(doc, analysis, ("placeholders",))
        doc.spans[SPANS_KEY] = char_spans(doc, analysis.placeholders or (), lambda f: f.kind)
        return doc

    def to_disk(self, path: str | Path, *, exclude: tuple = ()) -> None:
        """Save own rules (if any) as ``rules.toml`` in ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.rules is not None:
            shutil.copyfile(self.rules, path / RULES_FILE)

    def from_disk(self, path: str | Path, *, exclude: tuple = ()) -> PlaceholderComponent:
        """Use the rules saved by ``to_disk`` (the shipped rules when none were saved)."""
        saved = Path(path) / RULES_FILE
        self._use(str(saved) if saved.is_file() else None)
        return self


@Language.factory(SPANS_KEY, assigns=["doc.spans", "doc._.govtext_placeholders"], default_config={"rules": None})
def make_placeholder_component(nlp: Language, name: str, rules: str | None) -> PlaceholderComponent:
    """Factory: ``nlp.add_pipe("govtext_placeholders", config={"rules": "my_rules.toml"})``."""
    return PlaceholderComponent(rules)


def placeholders_from_doc(doc: Doc) -> list[Finding]:
    """The findings the component stored on ``doc`` (exact offsets, not the widened spans)."""
    return list(doc._.govtext_placeholders or ())
