"""The state path uses only operations whose IEEE-754 results are the same on every machine.

An AST scan of every module that feeds the state (engine, world, combat, rng): no
transcendental from numpy, ``math``, libm or ``scipy.special`` (they go through
:mod:`stavka.detmath`), no BLAS or SIMD-ordered reductions (``@``, ``dot``,
``einsum``...), no ``**`` (Python's float power is libm's ``pow``), no unseeded
randomness, no sort whose order of equal keys is left to the CPU (NumPy's default
``argsort`` becomes a SIMD sort on AVX-512), no Numba ``fastmath`` or ``parallel``, and
Numba only in ``engine/kernels.py``. Allowed: ``+ - * / sqrt``, comparisons, integer ops, ``min``/``max``,
rounding, ``bincount``/``add.at``/``cumsum`` (sequential) and ``sum`` (NumPy's
fixed pairwise order, the same code on every CPU), SciPy's csgraph on whole-metre
weights (exact sums).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "stavka"
STATE_PATH = ["engine", "world", "combat", "diplomacy"]
FORBIDDEN_NP = {
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "logaddexp", "logaddexp2",
    "power", "float_power", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2",
    "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "hypot", "cbrt",
    "dot", "vdot", "inner", "outer", "matmul", "einsum", "tensordot", "kron",
    "mean", "average", "std", "var", "median", "percentile", "quantile", "nanmean",
    "nanstd", "nanvar", "nanmedian", "linalg", "fft", "polyval", "interp",
}
ALLOWED_NP_RANDOM = {"SeedSequence",  # integer hashing of the master seed (rng.py)
                     "Generator"}  # the type the combat model draws from (annotations)
FORBIDDEN_MODULES = {"math", "cmath", "scipy.special", "scipy.stats", "random", "statistics"}
KERNELS = Path("stavka/engine/kernels.py")  # the one module that compiles loops (Numba)


def _files() -> list[Path]:
    return sorted([*(p for d in STATE_PATH for p in (SRC / d).rglob("*.py")),
                   SRC / "detmath.py"])


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out: list[str] = []
    rel = path.relative_to(SRC.parent) if path.is_relative_to(SRC.parent) else path.name

    def bad(node: ast.AST, what: str) -> None:
        out.append(f"{rel}:{getattr(node, 'lineno', '?')}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("fastmath", "parallel"):
            # Numba's fastmath lets LLVM reassociate sums and fuse multiply-adds; its
            # parallel reductions split sums by thread: either makes the bits machine-bound
            bad(node, f"{node.arg}= (Numba)")
        if isinstance(node, ast.Import | ast.ImportFrom) and rel != KERNELS and any(
                (getattr(node, "module", None) or a.name).split(".")[0] == "numba"
                for a in node.names):
            bad(node, "numba outside engine/kernels.py (one home for compiled loops)")
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name in ("argsort", "argpartition", "partition"):
                kind = next((k.value for k in node.keywords if k.arg == "kind"), None)
                if not (isinstance(kind, ast.Constant) and kind.value in ("stable", "mergesort")):
                    # the default introsort is replaced by SIMD sorts on AVX-512 CPUs:
                    # the order of equal keys would depend on the machine
                    bad(node, f"{name} without kind='stable'")
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name in FORBIDDEN_MODULES:
                    bad(node, f"import {a.name}")
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if mod in FORBIDDEN_MODULES:
                bad(node, f"from {mod} import ...")
            if mod == "numpy":
                for a in node.names:
                    if a.name in FORBIDDEN_NP:
                        bad(node, f"from numpy import {a.name}")
        elif isinstance(node, ast.Attribute):
            base = node.value
            if (isinstance(base, ast.Name) and base.id in ("np", "numpy")
                    and node.attr in FORBIDDEN_NP):
                bad(node, f"np.{node.attr}")
            if (isinstance(base, ast.Attribute) and base.attr == "random"
                    and isinstance(base.value, ast.Name) and base.value.id == "np"
                    and node.attr not in ALLOWED_NP_RANDOM):
                bad(node, f"np.random.{node.attr}")
            if node.attr in ("dot", "einsum", "matmul") and not (
                    isinstance(base, ast.Name) and base.id in ("np", "numpy")):
                bad(node, f".{node.attr}()")
        elif isinstance(node, ast.BinOp | ast.AugAssign):
            op = node.op
            if isinstance(op, ast.MatMult):
                bad(node, "@ (matrix product)")
            if isinstance(op, ast.Pow):
                left = node.left if isinstance(node, ast.BinOp) else node.target
                right = node.right if isinstance(node, ast.BinOp) else node.value
                ints = all(isinstance(x, ast.Constant) and type(x.value) is int
                           for x in (left, right))
                if not ints:
                    bad(node, "** (libm pow; use stavka.detmath.power or repeated *)")
    return out


def test_state_path_modules_exist():
    files = _files()
    assert len(files) >= 15, files
    assert any(p.name == "rng.py" for p in files)


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_machine_dependent_arithmetic(path):
    assert _violations(path) == []


def test_the_scan_catches_what_it_should(tmp_path):
    p = tmp_path / "bad.py"
    p.write_text(
        "import math\nimport numpy as np\nfrom scipy.special import ndtri\n"
        "a = np.exp(1.0)\nb = x @ y\nc = x ** 0.5\nd = np.einsum('i,i', x, x)\n"
        "e = m.dot(v)\nf = np.random.default_rng(1)\ng = 2 ** 10\nx **= 2\n"
        "h = np.argsort(a)\ni = a.argsort(kind='stable')\nimport numba\n"
        "k = njit(fastmath=True)\n")
    got = [v.split(": ", 1)[1] for v in _violations(p)]
    assert sorted(got) == sorted(["import math", "from scipy.special import ...", "np.exp",
                   "@ (matrix product)", "** (libm pow; use stavka.detmath.power or repeated *)",
                   "np.einsum", ".dot()", "np.random.default_rng", "argsort without kind='stable'",
                   "** (libm pow; use stavka.detmath.power or repeated *)",
                   "numba outside engine/kernels.py (one home for compiled loops)",
                   "fastmath= (Numba)"])
