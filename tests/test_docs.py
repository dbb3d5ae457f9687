"""The code on the documentation's guide pages runs as written.

Each listed page's ```python blocks run in order in one namespace (a page is
one session, as a reader would type it); their ``assert`` lines are the checks.
A page that needs optional packages is skipped without them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
# page -> the optional packages its code imports
PAGES = {
    "losses.md": (),
    "training.md": (),
    "data.md": (),
    "best-practices.md": (),
    "onnx.md": ("onnx", "onnxruntime", "torch", "onnxscript"),
}


def python_blocks(page: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", page.read_text(), flags=re.S | re.M)


@pytest.mark.parametrize("page", PAGES)
def test_page_code_runs(page: str) -> None:
    for package in PAGES[page]:
        pytest.importorskip(package)
    blocks = python_blocks(DOCS / page)
    assert blocks, f"{page} has no python blocks"
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, f"{page}", "exec"), namespace)  # noqa: S102
