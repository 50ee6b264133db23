"""Bytes to text the way a browser would read them.

A capture is raw bytes; what the reader saw depends on the character encoding the browser
chose. We follow the order of the HTML standard's encoding sniffing so our text matches the
page as people saw it: a byte order mark, then the HTTP `Content-Type` charset, then a
`<meta>` declaration near the top, then statistical detection, then UTF-8. Labels are mapped
the WHATWG way (`iso-8859-1` means windows-1252, `gb2312` means GBK/gb18030, ...), because
pages in the wild rely on those aliases. One exception to the order: see `sniff_encoding`.
"""

from __future__ import annotations

import codecs
import re

# WHATWG encoding name -> Python codec that decodes it. Only these are ever used, so a label
# Python happens to know (rot13, base64...) can never select a non-text codec.
_DECODERS: dict[str, str] = {
    "utf-8": "utf-8",
    "utf-16le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "windows-1252": "cp1252",
    "gbk": "gb18030",  # the standard decodes GBK labels with the gb18030 decoder
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "euc-jp": "euc_jp",
    "iso-2022-jp": "iso2022_jp",
    "shift_jis": "cp932",  # what browsers call Shift_JIS is Microsoft's superset
    "euc-kr": "cp949",  # likewise: euc-kr labels decode as windows-949
    "koi8-r": "koi8_r",
    "koi8-u": "koi8_u",
    "ibm866": "cp866",
    "macintosh": "mac_roman",
    "x-mac-cyrillic": "mac_cyrillic",
    "windows-874": "cp874",
    **{f"windows-{n}": f"cp{n}" for n in range(1250, 1259)},
    **{f"iso-8859-{n}": f"iso8859_{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)},
}

# Labels that do not simply name their encoding (from the WHATWG Encoding Standard table).
_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        [
            "ansi_x3.4-1968",
            "ascii",
            "cp1252",
            "cp819",
            "csisolatin1",
            "ibm819",
            "iso-8859-1",
            "iso-ir-100",
            "iso8859-1",
            "iso88591",
            "iso_8859-1",
            "iso_8859-1:1987",
            "l1",
            "latin1",
            "latin-1",
            "us-ascii",
            "x-cp1252",
            "x-user-defined",
        ],
        "windows-1252",
    ),
    **dict.fromkeys(
        [
            "iso-8859-9",
            "iso8859-9",
            "iso88599",
            "iso_8859-9",
            "iso_8859-9:1989",
            "iso-ir-148",
            "l5",
            "latin5",
            "csisolatin5",
            "x-cp1254",
        ],
        "windows-1254",
    ),
    **dict.fromkeys(
        ["dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "x-cp874"], "windows-874"
    ),
    **dict.fromkeys(
        [
            "chinese",
            "csgb2312",
            "csiso58gb231280",
            "gb2312",
            "gb_2312",
            "gb_2312-80",
            "iso-ir-58",
            "x-gbk",
        ],
        "gbk",
    ),
    **dict.fromkeys(["big5-hkscs", "cn-big5", "csbig5", "x-x-big5"], "big5"),
    **dict.fromkeys(["cseucpkdfmtjapanese", "x-euc-jp"], "euc-jp"),
    **dict.fromkeys(
        ["csshiftjis", "ms932", "ms_kanji", "shift-jis", "sjis", "windows-31j", "x-sjis", "cp932"],
        "shift_jis",
    ),
    **dict.fromkeys(
        [
            "cseuckr",
            "csksc56011987",
            "iso-ir-149",
            "korean",
            "ks_c_5601-1987",
            "ks_c_5601-1989",
            "ksc5601",
            "ksc_5601",
            "windows-949",
            "cp949",
        ],
        "euc-kr",
    ),
    **{
        f"{prefix}{n}": f"iso-8859-{part}"
        for prefix in ("l", "latin", "csisolatin")
        for n, part in (("2", 2), ("3", 3), ("4", 4), ("6", 10))
    },
    "csisolatincyrillic": "iso-8859-5",
    "cyrillic": "iso-8859-5",
    "greek": "iso-8859-7",
    "hebrew": "iso-8859-8",
    "arabic": "iso-8859-6",
    **dict.fromkeys(["koi", "koi8", "koi8_r", "cskoi8r"], "koi8-r"),
    **dict.fromkeys(["koi8-ru"], "koi8-u"),
    **dict.fromkeys(["866", "cp866", "csibm866"], "ibm866"),
    **dict.fromkeys(["csmacintosh", "mac", "x-mac-roman"], "macintosh"),
    **dict.fromkeys(["x-mac-ukrainian"], "x-mac-cyrillic"),
    **dict.fromkeys(
        ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf8", "x-unicode20utf8"], "utf-8"
    ),
    **dict.fromkeys(
        ["utf-16", "ucs-2", "unicode", "csunicode", "iso-10646-ucs-2", "unicodefeff"], "utf-16le"
    ),
    **dict.fromkeys(["unicodefffe"], "utf-16be"),
}

_ISO_NUMBERED = re.compile(r"^(?:cs)?iso[-_]?8859[-_]?(\d{1,2})(?:[-:].*)?$")
_WINDOWS_NUMBERED = re.compile(r"^(?:x-)?(?:cp|windows-)(125\d)$")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
)
_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
# The standard pre-scans 1024 bytes; real pages often put a long <script> before the meta,
# and reading a little further costs nothing while saving a guess.
_PRESCAN_BYTES = 4096
# charset-normalizer is slow on big pages and a sample decides as well as the whole.
_DETECT_BYTES = 64 * 1024


def encoding_for_label(label: str) -> str | None:
    """The WHATWG encoding name a charset label means, or None for an unknown label."""
    name = label.strip().strip("\"'").lower()
    if match := _ISO_NUMBERED.match(name):
        name = f"iso-8859-{match.group(1)}"
    elif match := _WINDOWS_NUMBERED.match(name):
        name = f"windows-{match.group(1)}"
    name = _ALIASES.get(name, name)
    return name if name in _DECODERS else None


def _from_bom(body: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return encoding, len(bom)
    return None


def _from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type.encode("latin-1", "replace"))
    return encoding_for_label(match.group(1).decode("ascii", "replace")) if match else None


def _from_meta(body: bytes) -> str | None:
    for tag in _META.finditer(body[:_PRESCAN_BYTES]):
        match = _CHARSET_PARAM.search(tag.group(0))
        if not match:
            continue
        encoding = encoding_for_label(match.group(1).decode("ascii", "replace"))
        if encoding is None:
            continue
        # A page that could be read to find its meta is not UTF-16: the standard says so.
        return "utf-8" if encoding.startswith("utf-16") else encoding
    return None


def _detect(body: bytes) -> str | None:
    sample = body[:_DETECT_BYTES]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        # A sample cut inside a multi-byte character is still UTF-8.
        if error.start >= len(sample) - 3 and len(body) > len(sample):
            return "utf-8"
    import charset_normalizer  # only pages that are not UTF-8 get this far

    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        return None
    encoding = encoding_for_label(best.encoding.replace("_", "-"))
    if encoding is None:
        encoding = encoding_for_label(codecs.lookup(best.encoding).name)
    return encoding


def _plainly_utf8(body: bytes) -> bool:
    """True when the body has non-ASCII bytes and all of them form valid UTF-8."""
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff_encoding(body: bytes, content_type: str | None = None) -> str:
    """The WHATWG name of the encoding to read `body` with.

    The HTML standard's order, with one deliberate exception: a body whose non-ASCII bytes
    are all valid UTF-8 is read as UTF-8 whatever the header or `<meta>` claims. Legacy
    text (GBK, windows-1251...) almost never happens to be valid UTF-8, whereas servers
    that label UTF-8 pages "iso-8859-1" are common, and we want the text the author wrote
    rather than the mojibake a browser would show.
    """
    bom = _from_bom(body)
    if bom:
        return bom[0]
    declared = _from_content_type(content_type) or _from_meta(body)
    if declared and declared != "utf-8" and not declared.startswith("utf-16"):
        return "utf-8" if _plainly_utf8(body) else declared
    return declared or _detect(body) or "utf-8"


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML response body to text, the way a browser would; never raises.

    Bytes the chosen encoding cannot read become U+FFFD; NUL characters are dropped, since
    no page shows them and the HTML parser would stop at them.
    """
    bom = _from_bom(body)
    if bom:
        encoding, skip = bom
        body = body[skip:]
    else:
        encoding = sniff_encoding(body, content_type)
    text = body.decode(_DECODERS[encoding], errors="replace")
    return text.replace("\x00", "")
