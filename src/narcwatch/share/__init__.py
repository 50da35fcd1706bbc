"""The sharing server's domain logic (issue 17), below the jobs and above the store.

- :mod:`~narcwatch.share.credentials`: API tokens (random, shown once, stored as SHA-256)
  and passwords (argon2id);
- :mod:`~narcwatch.share.keys`: the normalised keys an incident is indexed and
  correlated by (selectors, document hashes, substance+route), and the list filters;
- :mod:`~narcwatch.share.correlate`: which alerts a new or edited incident raises, and
  the common values that raise none;
- :mod:`~narcwatch.share.audit`: verification of the hash-chained audit log.

Who may see what is not here: it is the store's (:mod:`narcwatch.store.visibility`),
the one layer every read goes through.
"""
