"""The README's Python examples run as written (issue 15: the docs tell the truth)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("i", range(len(BLOCKS)))
def test_readme_python_example_runs(i, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write here
    code = BLOCKS[i]
    # a script's `if __name__ == "__main__":` guard is for spawn pools; run as __main__
    exec(compile(code, f"README.md python block {i + 1}", "exec"), {"__name__": "__main__"})
