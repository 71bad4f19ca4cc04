#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""What a screenshot of the run's picture shows (tests/vm/run-html-tests.sh).

Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what headless Chromium
writes) with nothing but zlib, and prints one line of key=value counts:

  width height   the image
  nonwhite       pixels that are not white
  colours        distinct colours
  oncpu offcpu gap gapshort host verdict
                 pixels of each colour of the picture (timeline_svg.h)
  bands          horizontal bands of lane rows: runs of rows holding at
                 least MIN_LANE_PX pixels of a lane's colours (on-CPU,
                 off-CPU, the gaps'); one per drawn lane

Usage: png_lanes.py FILE.png   (exit 2 on a file it cannot read)
"""
import struct
import sys
import zlib

# The colours of src/lib/results/timeline_svg.h.
COLOURS = {
    "oncpu": (0x1F, 0x77, 0xB4),
    "offcpu": (0xD9, 0xDE, 0xE5),
    "gap": (0xE0, 0x30, 0x1E),
    "gapshort": (0xF4, 0xB6, 0xAE),
    "host": (0xF5, 0xA6, 0x23),
    "verdict": (0x8E, 0x24, 0xAA),
}
LANE = ("oncpu", "offcpu", "gap", "gapshort")
# A lane is 1000 px wide at most; the legend's swatches are 10 px, so a
# row with 100 lane pixels is part of a lane, not of the legend.
MIN_LANE_PX = 100
TOLERANCE = 3


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(raw, width, height, bpp):
    stride = width * bpp
    rows, prev, pos = [], bytearray(stride), 0
    for _ in range(height):
        ftype = raw[pos]
        line = bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        if ftype == 2:
            line = bytearray((x + b) & 0xFF for x, b in zip(line, prev))
        elif ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 3:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((a + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                if i >= bpp:
                    a, c = line[i - bpp], prev[i - bpp]
                else:
                    a = c = 0
                line[i] = (line[i] + paeth(a, prev[i], c)) & 0xFF
        elif ftype != 0:
            raise ValueError("unknown PNG filter %d" % ftype)
        rows.append(line)
        prev = line
    return rows


def decode(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if not hdr:
        raise ValueError("no IHDR")
    width, height, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG (depth %d, colour type %d, "
                         "interlace %d)" % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    return width, height, bpp, unfilter(zlib.decompress(idat), width,
                                        height, bpp)


def colour_table():
    """Every RGB within TOLERANCE of a colour of COLOURS -> its name."""
    table = {}
    span = range(-TOLERANCE, TOLERANCE + 1)
    for name, (r, g, b) in COLOURS.items():
        for dr in span:
            for dg in span:
                for db in span:
                    table[(r + dr, g + dg, b + db)] = name
    return table


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        width, height, bpp, rows = decode(sys.argv[1])
    except (OSError, ValueError, zlib.error) as e:
        print("png_lanes.py: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 2
    table, white = colour_table(), (255, 255, 255)
    counts = {k: 0 for k in COLOURS}
    nonwhite, seen, bands, in_band = 0, set(), 0, False
    for line in rows:
        pixels = list(zip(line[0::bpp], line[1::bpp], line[2::bpp]))
        seen.update(pixels)
        nonwhite += len(pixels) - pixels.count(white)
        lane_px = 0
        for px in pixels:
            name = table.get(px)
            if name:
                counts[name] += 1
                lane_px += name in LANE
        lane_row = lane_px >= MIN_LANE_PX
        if lane_row and not in_band:
            bands += 1
        in_band = lane_row
    out = ["width=%d" % width, "height=%d" % height,
           "nonwhite=%d" % nonwhite, "colours=%d" % len(seen),
           "bands=%d" % bands]
    out += ["%s=%d" % (k, v) for k, v in counts.items()]
    print(" ".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
