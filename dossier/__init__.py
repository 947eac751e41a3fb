"""dossier: a static site generator for annotated news dossiers."""

__version__ = "0.1.0"
