#!/usr/bin/env python3
"""png_count.py PNG RRGGBB - print how many pixels of a PNG have exactly
that colour (for report_html.bats: did the browser draw the charts' bars).

Only what a browser's screenshot is: 8-bit RGB or RGBA, not interlaced.
Decoded with zlib and the five PNG row filters, no imaging library.
"""
import struct
import sys
import zlib


def chunks(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("png_count: not a PNG")
    pos = 8
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        yield kind, data[pos + 8:pos + 8 + size]
        pos += 12 + size


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(kind, line, prev, bpp):
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + a) & 255
        elif kind == 2:
            line[i] = (line[i] + b) & 255
        elif kind == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            line[i] = (line[i] + paeth(a, b, c)) & 255


def rows(path):
    head, idat = None, []
    for kind, body in chunks(open(path, "rb").read()):
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    width, height, depth, ctype, _, _, interlace = head
    if depth != 8 or ctype not in (2, 6) or interlace:
        sys.exit("png_count: only 8-bit RGB(A), not interlaced")
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(b"".join(idat)), width * bpp
    prev = bytearray(stride)
    for y in range(height):
        at = y * (stride + 1)
        line = bytearray(raw[at + 1:at + 1 + stride])
        if raw[at]:
            unfilter(raw[at], line, prev, bpp)
        yield line, bpp
        prev = line


def main():
    want = bytes.fromhex(sys.argv[2].lstrip("#"))
    n = 0
    for line, bpp in rows(sys.argv[1]):
        n += sum(1 for x in range(0, len(line), bpp)
                 if line[x:x + 3] == want)
    print(n)


main()
