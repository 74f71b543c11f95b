"""The container the memory snapshot travels in (``snapshot.bin.gz``, gzipped).

A Pyodide snapshot is a header followed by a copy of the WebAssembly memory. About half
of that memory is zero pages, and a tenth more is still exactly what the instance held
before the snapshot was restored over it (its data segments): neither needs to travel.
Each page of the snapshot is one of

    0  zero
    1  stored in the container
    2  the same bytes as the fresh instance's memory, ``memory_offset`` bytes earlier
       (the snapshot's header comes first); the worker copies them from that memory

The worker (docs/assets/javascripts/key-checker-worker.js, ``decodeSnapshot``) rebuilds
the exact original bytes. ``build_runtime.py`` records the fresh memory under Node
(tools/make_snapshot.mjs) and checks the round trip. A checksum of the copied pages
catches a fresh memory that is not the one recorded: the worker then falls back to the
plain load. Layout, little-endian:

    magic          8 bytes  b"PYSNAPZ2"
    raw length     u64      length of the original snapshot
    page size      u32      a multiple of 4
    page count     u32      ceil(raw length / page size)
    memory offset  u32      where the memory starts in the snapshot
    checksum       u32      of the kind-2 pages (``checksum``)
    kinds          ceil(page count / 4) bytes: bits 2 * (i & 3) of byte i >> 2 hold page i's kind
    pages          the kind-1 pages, in order; the last page is short when the raw length is
                   not a multiple of the page size (a short page is never kind 2)
"""

import struct

MAGIC = b"PYSNAPZ2"
PAGE_SIZE = 4096
ZERO, STORED, INITIAL = 0, 1, 2
_HEADER = struct.Struct("<8sQIIII")


def checksum(data: bytes) -> int:
    """A 32-bit hash of ``data`` (a multiple of 4 bytes) as the worker computes it."""
    h = 0
    for (word,) in struct.iter_unpack("<I", data):
        h = (((h ^ word) * 0x9E3779B1) + 1) & 0xFFFFFFFF
    return h


def encode(raw: bytes, fresh: bytes = b"", memory_offset: int = 0, page_size: int = PAGE_SIZE) -> bytes:
    """Pack ``raw``; pages equal to ``fresh`` (the fresh memory) at ``memory_offset`` are left out too."""
    if page_size <= 0 or page_size % 4:
        raise ValueError("the page size must be a positive multiple of 4")
    view = memoryview(raw)
    count = -(-len(raw) // page_size)
    kinds = bytearray(-(-count // 4))
    zero = bytes(page_size)
    stored, copied = [], []
    for i in range(count):
        start = i * page_size
        page = view[start:start + page_size]
        if page == zero[:len(page)]:
            continue
        source = start - memory_offset
        if len(page) == page_size and source >= 0 and fresh[source:source + page_size] == page:
            kinds[i >> 2] |= INITIAL << (2 * (i & 3))
            copied.append(page)
        else:
            kinds[i >> 2] |= STORED << (2 * (i & 3))
            stored.append(page)
    header = _HEADER.pack(MAGIC, len(raw), page_size, count, memory_offset, checksum(b"".join(copied)))
    return b"".join([header, bytes(kinds), *stored])


def decode(data: bytes, fresh: bytes = b"") -> bytes:
    """The original bytes; ``fresh`` is the fresh memory the container was made against."""
    if len(data) < _HEADER.size:
        raise ValueError("not a snapshot container")
    magic, length, page_size, count, memory_offset, expected = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError("not a snapshot container")
    if page_size == 0 or page_size % 4 or count != -(-length // page_size):
        raise ValueError("bad snapshot container header")
    offset = _HEADER.size
    kinds = data[offset:offset + -(-count // 4)]
    offset += len(kinds)
    out = bytearray(length)
    copied = []
    for i in range(count):
        kind = (kinds[i >> 2] >> (2 * (i & 3))) & 3
        start = i * page_size
        size = min(page_size, length - start)
        if kind == STORED:
            if offset + size > len(data):
                raise ValueError("snapshot container too short")
            out[start:start + size] = data[offset:offset + size]
            offset += size
        elif kind == INITIAL:
            source = start - memory_offset
            page = fresh[source:source + page_size]
            if size != page_size or source < 0 or len(page) != page_size:
                raise ValueError("a copied page is outside the fresh memory")
            out[start:start + size] = page
            copied.append(page)
        elif kind != ZERO:
            raise ValueError("bad page kind in the snapshot container")
    if offset != len(data):
        raise ValueError("snapshot container too long")
    if checksum(b"".join(copied)) != expected:
        raise ValueError("the fresh memory is not the one the container was made against")
    return bytes(out)
