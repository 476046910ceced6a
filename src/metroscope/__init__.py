"""Metroscope: the platform of a network of metropolitan governments."""

import os

# One BLAS thread per process unless told otherwise: the server runs a worker per core, and the
# peer analytics' matrix-vector products (13,000 × 40) run faster on one thread than split
# across cores that other requests are using (measured in docs/performance.md). Set here so it
# precedes numpy's first import in the server, the CLI and the tests.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
