"""dyadline's coding pipeline: ingest → parse → actors → dates → events."""
from .coder import Coder, build_nlp
from .ingest import read_inputs

__all__ = ["Coder", "build_nlp", "read_inputs"]
