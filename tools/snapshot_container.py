"""The sparse container the memory snapshot travels in (``snapshot.bin.gz``, gzipped).

About half of Pyodide's memory is zero pages: leaving them out halves what the browser
has to inflate. The worker (docs/assets/javascripts/key-checker-worker.js,
``decodeSparse``) rebuilds the exact original bytes. Layout, little-endian:

    magic        8 bytes  b"PYSNAPZ1"
    raw length   u64      length of the original snapshot
    page size    u32
    page count   u32      ceil(raw length / page size)
    bitmap       ceil(page count / 8) bytes: bit (i & 7) of byte (i >> 3) set when page i
                 holds a non-zero byte
    pages        the non-zero pages, in order; the last page is short when the raw
                 length is not a multiple of the page size
"""

import struct

MAGIC = b"PYSNAPZ1"
PAGE_SIZE = 4096
_HEADER = struct.Struct("<8sQII")


def encode(raw: bytes, page_size: int = PAGE_SIZE) -> bytes:
    view = memoryview(raw)
    count = -(-len(raw) // page_size)
    bitmap = bytearray(-(-count // 8))
    zero = bytes(page_size)
    pages = []
    for i in range(count):
        page = view[i * page_size:(i + 1) * page_size]
        if page != zero[:len(page)]:
            bitmap[i >> 3] |= 1 << (i & 7)
            pages.append(page)
    return b"".join([_HEADER.pack(MAGIC, len(raw), page_size, count), bytes(bitmap), *pages])


def decode(data: bytes) -> bytes:
    magic, length, page_size, count = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError("not a sparse snapshot container")
    if page_size == 0 or count != -(-length // page_size):
        raise ValueError("bad sparse snapshot header")
    offset = _HEADER.size
    bitmap = data[offset:offset + -(-count // 8)]
    offset += len(bitmap)
    out = bytearray(length)
    for i in range(count):
        if bitmap[i >> 3] & (1 << (i & 7)):
            size = min(page_size, length - i * page_size)
            if offset + size > len(data):
                raise ValueError("sparse snapshot container too short")
            out[i * page_size:i * page_size + size] = data[offset:offset + size]
            offset += size
    if offset != len(data):
        raise ValueError("sparse snapshot container too long")
    return bytes(out)
