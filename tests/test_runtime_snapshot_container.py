"""The sparse container the memory snapshot ships in (tools/snapshot_container.py).

The worker decodes the same layout in JavaScript (``decodeSparse`` in
docs/assets/javascripts/key-checker-worker.js); the browser tests cover that side.
"""

import gzip
import random
import struct

import pytest

import snapshot_container as container  # tools/ is on sys.path (conftest.py)
from conftest import ROOT

PAGE = container.PAGE_SIZE


def pages(*kinds, tail=b""):
    """Memory made of 4-KiB pages: "0" a zero page, "x" a page with data, then `tail`."""
    rng = random.Random(4)
    return b"".join(bytes(PAGE) if k == "0" else rng.randbytes(PAGE) for k in kinds) + tail


@pytest.mark.parametrize("raw", [
    b"",
    bytes(PAGE * 3),
    pages("x", "x"),
    pages("0", "x", "0", "0", "x", "0", "x", "0", "0"),  # more than 8 pages: a second bitmap byte
    pages("x", "0", tail=b"\x01" + bytes(143)),  # a short last page with data
    pages("x", "0", tail=bytes(144)),  # a short last page of zeros
    bytes(PAGE - 1) + b"\x01",  # the only non-zero byte is a page's last
])
def test_round_trip(raw):
    encoded = container.encode(raw)
    assert container.decode(encoded) == raw
    assert encoded.startswith(container.MAGIC)


def test_layout_and_zero_pages_left_out():
    raw = pages("0", "x", "0", "0", "0", "0", "0", "0", "0", "x", tail=b"\x07" * 10)
    encoded = container.encode(raw)
    magic, length, page_size, count = struct.unpack_from("<8sQII", encoded)
    assert (magic, length, page_size, count) == (b"PYSNAPZ1", len(raw), PAGE, 11)
    bitmap = encoded[24:26]
    assert bitmap == bytes([0b00000010, 0b00000110])  # pages 1, 9 and the short page 10
    assert len(encoded) == 24 + 2 + 2 * PAGE + 10


def test_other_page_sizes():
    raw = bytes(100) + b"a" + bytes(300)
    for size in (1, 7, 64, 1024):
        assert container.decode(container.encode(raw, size)) == raw


@pytest.mark.parametrize("damage, message", [
    (lambda d: b"NOTSNAP!" + d[8:], "not a sparse"),
    (lambda d: d[:-1], "too short"),
    (lambda d: d + b"\0", "too long"),
    (lambda d: d[:8] + struct.pack("<QII", 5 * PAGE, PAGE, 4) + d[24:], "header"),
    (lambda d: d[:8] + struct.pack("<QII", 5 * PAGE, 0, 5) + d[24:], "header"),
])
def test_damaged_containers_are_refused(damage, message):
    data = container.encode(pages("x", "0", "x", "0", "x"))
    with pytest.raises(ValueError, match=message):
        container.decode(damage(data))


def test_the_built_snapshot_is_a_container_that_decodes():
    """The file the site ships (after `make runtime`) holds what its manifest says."""
    import json

    manifest_path = ROOT / "build" / "runtime" / "manifest.json"
    if not manifest_path.exists():
        pytest.skip("no build/runtime: run `make runtime`")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))["snapshot"]
    data = gzip.decompress((ROOT / "build" / "runtime" / "pyodide" / manifest["file"]).read_bytes())
    assert len(data) == manifest["container_bytes"]
    raw = container.decode(data)
    assert len(raw) == manifest["raw_bytes"]
    assert container.encode(raw) == data
