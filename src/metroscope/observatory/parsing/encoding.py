"""Which text encoding a delimited file uses, found by scanning all of it: UTF-8 (with or
without a BOM), else Latin-1 or Windows-1252; a file mixing UTF-8 with another is refused."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import IO

from metroscope.observatory.parsing.errors import ImportFileError

SCAN_CHUNK_BYTES = 8 << 20
_INVALID_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that failed to decode, surrogate-escaped
_VALID_NON_ASCII = re.compile("[\x80-\ud7ff\ue000-\U0010ffff]")
_NON_ASCII_BYTE = re.compile(rb"[\x80-\xff]")
CP1252_FALLBACK = "metroscope-latin1-fallback"
_C1_BYTES = bytes(range(0x80, 0xA0))


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    # The five bytes cp1252 leaves undefined read as their Latin-1 code points.
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(CP1252_FALLBACK, _latin1_fallback)


def detect_encoding(path: Path) -> str:
    """Return "utf-8", "utf-8-sig", "latin-1" or "cp1252" by scanning the whole file."""
    scan = _EncodingScan()
    with path.open("rb") as fh:
        bom = fh.read(3)
        sig = bom == codecs.BOM_UTF8
        scan.feed(b"" if sig else bom)
        while chunk := fh.read(SCAN_CHUNK_BYTES):
            scan.feed(chunk)
    scan.finish()
    if scan.first_invalid is None:
        return "utf-8-sig" if sig else "utf-8"
    if sig:
        raise _mixed(scan.first_invalid, 1)
    return "cp1252" if scan.c1_seen else "latin-1"


def _mixed(not_utf8: int, utf8: int) -> ImportFileError:
    return ImportFileError(
        f"mixed encodings: line {not_utf8} is not UTF-8 but line {utf8} is", row=not_utf8
    )


class _EncodingScan:
    """Streaming check of UTF-8 validity that remembers the first line of each kind."""

    def __init__(self) -> None:
        self.carry = b""
        self.lines = 1  # line number at the start of the pending data
        self.first_invalid: int | None = None
        self.first_multibyte: int | None = None
        self.c1_seen = False

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = _incomplete_tail(data)
        self.carry = data[cut:]
        self._check(data[:cut])

    def finish(self) -> None:
        self._check(self.carry)
        self.carry = b""

    def _check(self, data: bytes) -> None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            self._check_mixed(data)
        else:
            if self.first_multibyte is None and not data.isascii():
                match = _NON_ASCII_BYTE.search(data)
                position = match.start() if match else 0
                self.first_multibyte = self.lines + data.count(b"\n", 0, position)
                if self.first_invalid is not None:
                    raise _mixed(self.first_invalid, self.first_multibyte)
        self.lines += data.count(b"\n")

    def _check_mixed(self, data: bytes) -> None:
        self.c1_seen = self.c1_seen or len(data.translate(None, _C1_BYTES)) < len(data)
        text = data.decode("utf-8", "surrogateescape")
        if self.first_invalid is None:
            self.first_invalid = self.lines + _lines_before(_INVALID_UTF8.search(text), text)
        # Invalid bytes become one character each, a valid multibyte sequence one for several.
        if self.first_multibyte is None and len(text) < len(data):
            self.first_multibyte = self.lines + _lines_before(_VALID_NON_ASCII.search(text), text)
        if self.first_multibyte is not None:
            raise _mixed(self.first_invalid, self.first_multibyte)


def _lines_before(match: re.Match[str] | None, text: str) -> int:
    return text.count("\n", 0, match.start()) if match else 0


def _incomplete_tail(data: bytes) -> int:
    """Index where a UTF-8 sequence cut by the chunk end starts (len(data) when none is)."""
    end = len(data)
    for back in range(1, min(4, end) + 1):
        byte = data[end - back]
        if byte < 0x80:
            return end
        if byte >= 0xC0:
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return end - back if needed > back else end
    return end


def open_text(path: Path, encoding: str) -> IO[str]:
    if encoding in ("latin-1", "cp1252"):
        return path.open(encoding="cp1252", errors=CP1252_FALLBACK, newline="")
    return path.open(encoding=encoding, newline="")
