"""Build minigrad: the Python packages, ``kernels/`` installed as ``minigrad.kernels``, the Cython
extension on conv2d's hot path (im2col/col2im) and the autograd hot path compiled by Cython from its
pure-Python sources (the modules in ``minigrad/_compiled.py``)."""
import runpy
import sys

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, ExecError, PlatformError

try:
    import numpy
    from Cython.Build import cythonize
except ImportError as exc:  # only without pip's isolated build (pyproject.toml provides both)
    sys.exit(f"minigrad's build needs Cython and numpy ({exc}); install them or use `pip install .`")

extensions = [
    Extension("minigrad.kernels.cpu._im2col", ["kernels/cpu/_im2col.pyx"],
              include_dirs=[numpy.get_include()], extra_compile_args=["-O3"],
              define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")]),
] + [Extension(name, [name.replace(".", "/") + ".py"], extra_compile_args=["-O2"])
     for name in runpy.run_path("minigrad/_compiled.py")["MODULES"]]


class BuildExt(build_ext):
    """``build_ext`` that says what is missing when no working C compiler runs."""

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except (CCompilerError, ExecError, PlatformError, OSError) as exc:
            raise PlatformError(
                f"minigrad needs a C compiler to build its extension {ext.name}, and none worked ({exc}). Install "
                "one (Debian/Ubuntu: apt-get install build-essential; Fedora: dnf install gcc; macOS: "
                "xcode-select --install; Windows: Microsoft C++ Build Tools) or point the CC environment variable "
                "at it, then install minigrad again.") from exc


setup(
    name="minigrad",
    version="0.1.0",
    description="PyTorch-style autograd with fused Numba/CUDA loss kernels; runs torch tutorials without torch",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["minigrad", "minigrad.*"])
    + ["minigrad.kernels." + p for p in find_packages("kernels")] + ["minigrad.kernels"],
    package_dir={"minigrad.kernels": "kernels"},
    ext_modules=cythonize(extensions, compiler_directives={"language_level": 3}, quiet=True),
    cmdclass={"build_ext": BuildExt},
    install_requires=["numpy>=1.24", "numba>=0.59"],
    extras_require={
        "cuda": ["numba-cuda>=0.10"],
        "dist": ["mpi4py>=4", "mpich"],
        "test": ["pytest>=7", "torch==2.13.0", "hypothesis>=6", "pytest-benchmark>=4", "Cython>=3", "mpi4py>=4", "mpich"],
        "bench": ["pytest-benchmark>=4", "torch==2.13.0", "threadpoolctl>=3", "matplotlib>=3"],
    },
    entry_points={"console_scripts": ["minigrad=minigrad.__main__:main"]},
    zip_safe=False,
)
