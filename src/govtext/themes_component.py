"""spaCy component ``govtext_themes`` (importing this module registers it; it imports spaCy).

It only stores what :func:`govtext.themes.tag_themes` returns: ``doc.spans["govtext_themes"]`` holds
one span per evidence hit (label = theme id; widened to token boundaries), and
``doc.user_data["govtext_themes"]`` the exact result (``ThemeResult.to_dict()``: exact character
offsets, counts, weights), so a saved ``Doc`` keeps both. When ``govtext_sections`` ran before it, its
outline is reused.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .model import Document
from .themes import load_lexicon, tag_themes

SPANS_KEY = "govtext_themes"


class ThemesComponent:
    """Tags a ``Doc`` with lexicon themes (and, if asked, distinctive terms)."""

    def __init__(self, lexicon: str | None = None, distinctive: bool = False) -> None:
        self.lexicon = load_lexicon(lexicon) if lexicon else load_lexicon()
        self.distinctive = distinctive

    def __call__(self, doc: Doc) -> Doc:
        from .sections import extract_sections

        document = Document(text=doc.text, path=None, source_format="string")
        if "govtext_sections" in doc.user_data:
            from .sections_component import outline_from_doc

            outline = outline_from_doc(doc)
        else:
            outline = extract_sections(document)
        result = tag_themes(document, outline=outline, lexicon=self.lexicon, distinctive=self.distinctive)
        doc.spans[SPANS_KEY] = [
            span
            for h in result.evidence
            if (span := doc.char_span(h.start_char, h.end_char, label=h.theme, alignment_mode="expand"))
            is not None
        ]
        doc.user_data[SPANS_KEY] = result.to_dict()
        return doc


@Language.factory(
    SPANS_KEY,
    assigns=["doc.spans"],
    default_config={"lexicon": None, "distinctive": False},
)
def make_themes_component(
    nlp: Language, name: str, lexicon: str | None, distinctive: bool
) -> ThemesComponent:
    """``lexicon``: an extra lexicon TOML (adds/replaces themes); ``distinctive``: add TF-IDF terms."""
    return ThemesComponent(lexicon=lexicon, distinctive=distinctive)
