"""Herald: status pages as code, built with MkDocs."""

__version__ = "0.1.0"
