"""Scans on a Dask cluster: inputs split into partitions that workers read themselves
(:mod:`.partitions`), the pipeline built once per worker (:mod:`.worker`), findings sent
back as Arrow tables and kept as Parquet (:mod:`.arrow`) in a resumable run directory
(:mod:`.runs`), on a local or remote cluster (:mod:`.engine`). The driver,
:func:`narcwatch.jobs.cluster.cluster_scan_job`, is the store's only writer.

Importing this package's modules imports dask and pyarrow (the ``cluster`` extra): only
cluster scans do.
"""
