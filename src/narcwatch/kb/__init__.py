"""The knowledge base: substances, names, slang, emoji, cue words, units and currencies.

Data lives in YAML files under ``narcwatch/kb/data`` (schemas in :mod:`narcwatch.kb.schema`);
:func:`load_kb` loads and validates a data directory; :func:`default_kb` is the packaged
one, loaded once per process, and only the default where no knowledge base is passed.
"""

from narcwatch.kb.loader import KnowledgeBase, Term, default_kb, load_kb

__all__ = ["KnowledgeBase", "Term", "default_kb", "load_kb"]
