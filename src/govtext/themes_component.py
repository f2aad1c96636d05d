"""spaCy component ``govtext_themes`` (registered through the ``spacy_factories`` entry point; it
imports spaCy).

It runs the ``themes`` stage of :func:`govtext.analyze` and stores the result:
``doc._.govtext_themes`` is the exact ``ThemeResult`` (counts, weights, evidence offsets, GT301
findings — the Doc's year reaches them, see :mod:`govtext.doc_component`) and
``doc.spans["govtext_themes"]`` one span per evidence hit (label = theme id; widened to token
boundaries). When ``govtext_sections`` ran before it, its outline is reused. An extra lexicon
(``config={"lexicon": "my.toml"}``) is saved with the pipeline (``nlp.to_disk``) and read back from there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .analysis import analyze
from .doc_component import char_spans, document_of, store
from .themes import Lexicon, load_lexicon

SPANS_KEY = "govtext_themes"
LEXICON_FILE = "lexicon.toml"


class ThemesComponent:
    """Tags a ``Doc`` with lexicon themes (and, if asked, distinctive terms)."""

    def __init__(self, lexicon: str | None = None, distinctive: bool = False) -> None:
        self.distinctive = distinctive
        self.lexicon_file = lexicon
        self.lexicon: Lexicon | None = None
        if lexicon is None or Path(lexicon).exists():
            self._use(lexicon)  # a bad lexicon fails when the pipeline is built, not on the first Doc
        # else: ``spacy.load`` of a saved pipeline; ``from_disk`` brings the lexicon saved with it

    def _use(self, lexicon: str | None) -> None:
        self.lexicon = load_lexicon(lexicon) if lexicon else load_lexicon()
        self.lexicon_file = lexicon

    def __call__(self, doc: Doc) -> Doc:
        if self.lexicon is None:
            self._use(self.lexicon_file)  # names the missing file (DataFileError)
        result = analyze(document_of(doc), stages=("themes",), sections=doc._.govtext_outline,
                         lexicon=self.lexicon, distinctive=self.distinctive).themes
        assert result is not None
        store(doc, {"themes": result})
        doc.spans[SPANS_KEY] = char_spans(doc, result.evidence, lambda h: h.theme)
        return doc

    def to_disk(self, path: str | Path, *, exclude: tuple = ()) -> None:
        """Save the extra lexicon (if any) as ``lexicon.toml`` in ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.lexicon_file is not None:
            shutil.copyfile(self.lexicon_file, path / LEXICON_FILE)

    def from_disk(self, path: str | Path, *, exclude: tuple = ()) -> ThemesComponent:
        """Use the lexicon saved by ``to_disk`` (the shipped one when none was saved)."""
        saved = Path(path) / LEXICON_FILE
        self._use(str(saved) if saved.is_file() else None)
        return self


@Language.factory(
    SPANS_KEY,
    assigns=["doc.spans", "doc._.govtext_themes"],
    default_config={"lexicon": None, "distinctive": False},
)
def make_themes_component(
    nlp: Language, name: str, lexicon: str | None, distinctive: bool
) -> ThemesComponent:
    """``lexicon``: an extra lexicon TOML (adds/replaces themes); ``distinctive``: add TF-IDF terms."""
    return ThemesComponent(lexicon=lexicon, distinctive=distinctive)
