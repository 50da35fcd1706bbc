"""The knowledge base: substances, names, slang, emoji, cue words, units and currencies.

Data lives in YAML files under ``narcwatch/kb/data`` (schemas in :mod:`narcwatch.kb.schema`);
:func:`default_kb` loads and validates them once per process.
"""

from narcwatch.kb.loader import KnowledgeBase, Term, default_kb, load_kb

__all__ = ["KnowledgeBase", "Term", "default_kb", "load_kb"]
