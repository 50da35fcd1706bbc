"""Connected components of the document-selector graph, in bulk.

Documents and link keys are the vertices of one bipartite graph whose edges are the
occurrences (document d carries key k); documents in one component are one actor. This is
the one clustering routine: ``narcwatch link --rebuild`` runs it on the whole store, the
incremental linker on each batch of new documents (an actor already holding a key stands
in for that key) and on the documents of one actor when a link is withdrawn, and
``benchmarks/bench_link.py`` on a million keys.

Why SciPy rather than igraph here: building an igraph ``Graph`` from 5 million edges
spends about 5 s converting them in Python (0.76 s for the components themselves), where
``scipy.sparse.csgraph.connected_components`` takes the NumPy arrays as they are and does
the whole job in under a second.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def components(
    n_docs: int,
    n_keys: int,
    doc_index: Sequence[int] | NDArray[np.int64],
    key_index: Sequence[int] | NDArray[np.int64],
) -> NDArray[np.int64]:
    """Component label of each document (labels are 0..c-1, in order of first appearance
    of the lowest-numbered document), given occurrence pairs ``(doc_index[i],
    key_index[i])``."""
    if n_docs == 0:
        return np.zeros(0, dtype=np.int64)
    docs = np.asarray(doc_index, dtype=np.int64)
    keys = np.asarray(key_index, dtype=np.int64) + n_docs
    n = n_docs + n_keys
    adjacency = coo_matrix((np.ones(len(docs), dtype=np.int8), (docs, keys)), shape=(n, n)).tocsr()
    _, labels = connected_components(adjacency, directed=False)
    labels = labels[:n_docs].astype(np.int64)
    # Relabel so component ids follow document order (deterministic whatever SciPy does).
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first)
    remap = np.empty_like(order)
    remap[order] = np.arange(len(order))
    uniq = np.unique(labels)
    return remap[np.searchsorted(uniq, labels)].astype(np.int64)
