"""Builds narcwatch's optional C extension; everything else is in pyproject.toml.

The extension (src/narcwatch/_native/_speedups.c) is a fast path only: the pure-Python code
is the reference and the fallback. A machine without a C compiler, or a failed compile,
still installs narcwatch (with a warning), and NARCWATCH_NATIVE=0 at install time skips
the build altogether.
"""

from __future__ import annotations

import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that warns instead of failing: the extension is optional."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, no Python headers: install without it
            self.warn(f"narcwatch: native fast path not built ({exc}); pure Python is used")

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self.warn(f"narcwatch: {ext.name} not built ({exc}); pure Python is used")


NATIVE = os.environ.get("NARCWATCH_NATIVE", "1") != "0"

setup(
    ext_modules=[
        Extension(
            "narcwatch._native._speedups",
            sources=["src/narcwatch/_native/_speedups.c"],
            extra_compile_args=["-O2"] if os.name != "nt" else [],
            libraries=["m"] if os.name == "posix" else [],  # log, sqrt (offer_dot)
            optional=True,
        )
    ]
    if NATIVE
    else [],
    cmdclass={"build_ext": OptionalBuildExt},
)
