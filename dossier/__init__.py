"""dossier: a static site generator for annotated news dossiers."""

__version__ = "0.1.0"
DISTRIBUTION = "dossier-ssg"  # the name to pip install (PyPI's "dossier" is another project)
