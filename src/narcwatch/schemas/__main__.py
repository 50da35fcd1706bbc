"""``python -m narcwatch.schemas [DIR]``: write every output's JSON Schema (default: here)."""

import sys
from pathlib import Path

from narcwatch.schemas import DIRECTORY, write_schemas

for path in write_schemas(Path(sys.argv[1]) if len(sys.argv) > 1 else DIRECTORY):
    print(path)
