"""The one place that builds govtext's spaCy pipeline and orders its components.

``load()`` returns ``spacy.blank("zh")`` with govtext's tokenizer (``govtext.jieba_tokenizer.v1``,
see :mod:`govtext.segment`) followed by the components named in :data:`COMPONENTS`, built once per
engine and process. Each component runs one stage of :func:`govtext.analyze` and keeps its result on
``Doc._`` (:mod:`govtext.doc_component`). Tokenizer and components are registered through entry
points (``spacy_tokenizers``, ``spacy_factories`` in ``pyproject.toml``), so a pipeline saved with
``nlp.to_disk`` loads with ``spacy.load`` in a process that never imported govtext.
"""

from __future__ import annotations

import threading
from typing import Any

from . import segment
from .segment import DEFAULT_ENGINE, TOKENIZER_NAME, check_engine

# Component factory names in pipeline order. To add a stage: append its factory name here, import the
# module that registers it in _import_component_modules() below and add its spacy_factories entry point.
COMPONENTS: list[str] = ["govtext_placeholders", "govtext_sections", "govtext_themes"]

_PIPELINES: dict[str, Any] = {}
_LOCK = threading.Lock()


def _import_component_modules() -> None:
    """Import the modules whose ``@Language.factory`` registrations :data:`COMPONENTS` names."""
    from . import placeholders_component  # noqa: F401, I001 (one line per stage)
    from . import sections_component  # noqa: F401
    from . import themes_component  # noqa: F401


def nlp_config(engine: str = DEFAULT_ENGINE) -> dict[str, Any]:
    """The ``spacy.blank`` config override that installs govtext's tokenizer."""
    return {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME, "engine": check_engine(engine)}}}


def build(engine: str = DEFAULT_ENGINE, components: list[str] | None = None) -> Any:
    """A new pipeline: govtext's tokenizer with ``engine``, then ``components`` (default: COMPONENTS)."""
    import spacy

    check_engine(engine)
    _import_component_modules()
    nlp = spacy.blank("zh", config=nlp_config(engine))
    assert isinstance(nlp.tokenizer, segment.GovtextTokenizer)
    for name in COMPONENTS if components is None else components:
        nlp.add_pipe(name)
    return nlp


def load(engine: str = DEFAULT_ENGINE) -> Any:
    """The pipeline for ``engine``, built on first call and reused afterwards (per process)."""
    check_engine(engine)
    nlp = _PIPELINES.get(engine)
    if nlp is None:
        with _LOCK:  # a web server may ask from several threads at once
            nlp = _PIPELINES.get(engine)
            if nlp is None:
                nlp = _PIPELINES[engine] = build(engine)
    return nlp
