"""From bytes to text the parser can take: encodings, binary files, invisible
characters, size limits and the language check.

Pure functions on bytes and strings, used by :mod:`dyadline.pipeline.ingest`:

* :func:`decode` reads UTF-8 (with or without a BOM), UTF-16 (with a BOM, or
  without one when the pattern of zero bytes shows it), and falls back to
  Windows-1252 (a superset of Latin-1); it refuses binary data.
* :func:`normalise_chars` turns every line end into ``\\n``, every space-like
  character into a space, drops control and invisible characters (zero-width
  spaces, soft hyphens, NUL, bell, bidi marks, lone surrogates) and composes
  accents (NFC), so that "Pu\\u200btin" is "Putin" again.
* :func:`break_long_runs` and :func:`truncate` keep an article within what the
  spaCy pipeline codes in bounded time (see the limits below).
* :func:`foreign_language` says when a text is clearly not English.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

#: An article's text is cut (at a paragraph, line or word break) to this many
#: characters: about 15,000 words, three times a long feature. spaCy's own
#: ceiling (``nlp.max_length``) is ten times higher, and coding 100,000
#: characters takes a few seconds.
MAX_ARTICLE_CHARS = 100_000
#: Runs of more characters than this without a space (data blobs, rules of
#: punctuation, URLs gone wrong) are broken up: spaCy's tokenizer slows down
#: with the square of a run's length.
MAX_RUN_CHARS = 200
#: HTML pages over this size are not read (news pages are well under 2 MB).
MAX_HTML_BYTES = 5 * 1024 * 1024
#: At most this much of a plain-text file is read: enough for MAX_ARTICLE_CHARS
#: characters in any encoding, plus a margin for page chrome and control bytes.
READ_LIMIT = 4 * MAX_ARTICLE_CHARS + 64 * 1024

# bytes that never occur in text (tab, line feed, vertical tab, form feed and
# carriage return do, and so does ESC in old files)
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32), 127])
_BINARY_SHARE = 0.05

_NEWLINE = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# invisible in print: format characters, soft hyphen, variation selectors, BOM
_INVISIBLE = ("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
              "\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff\ufff9-\ufffb")
_DROP = f"\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff{_INVISIBLE}"
# between a small and a capital letter, a dropped character stood for a word
# break ("Kim\u00adJong" → "Kim Jong"); anywhere else it was inside a word
_DROP_AS_SPACE = re.compile(f"(?<=[a-z\u00df-\u00ff])[{_DROP}]+(?=[A-Z\u00c0-\u00de])")
_DROP_RE = re.compile(f"[{_DROP}]+")
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN_CHARS + 1))


# ---------------------------------------------------------------------- bytes → text
def looks_binary(data: bytes) -> bool:
    """True when more than 5% of ``data`` (and more than 8 bytes) are bytes no text holds."""
    n = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return n > max(8, len(data) * _BINARY_SHARE)


def utf16_order(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when zero bytes fall on one side of the pairs only,
    as they do in UTF-16 text without a BOM; None for anything else."""
    sample = data[:8192]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0:2 * pairs:2].count(0), sample[1:2 * pairs:2].count(0)
    if odd >= pairs * 0.1 and even <= 1 + pairs * 0.02:
        return "utf-16-le"
    if even >= pairs * 0.1 and odd <= 1 + pairs * 0.02:
        return "utf-16-be"
    return None


def _strict(data: bytes, encoding: str, truncated: bool) -> str | None:
    """``data`` decoded, or None; a character cut in two at the end of a truncated read is dropped."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if truncated and exc.start >= len(data) - 4:
            try:
                return data[:exc.start].decode(encoding)
            except UnicodeDecodeError:
                return None
        return None


def _texty(text: str) -> bool:
    """Whether decoded UTF-16 reads as text: almost no controls, unassigned or private code points."""
    if not text:
        return False
    bad = sum(1 for c in text[:4096] if (c < " " and c not in "\t\n\r\x0b\x0c")
              or unicodedata.category(c) in ("Cn", "Co", "Cs"))
    return bad <= len(text[:4096]) * 0.02


def _decode(data: bytes, truncated: bool) -> tuple[str, str, str | None]:
    """(text, the codec that read it, a warning or None); ValueError for binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16-le" if data[:2] == b"\xff\xfe" else "utf-16-be"
        body = data[2:len(data) - (len(data) % 2)] if truncated else data[2:]
        text = _strict(body, enc, truncated)
        if text is not None and _texty(text):
            return text, "utf-16", "UTF-16 text, decoded"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:65536]:
        enc16 = utf16_order(data)
        if enc16:
            body = data[:len(data) - (len(data) % 2)] if truncated else data
            text = _strict(body, enc16, truncated)
            if text is not None and _texty(text):
                return text, enc16, ("UTF-16 text without a byte-order mark, decoded; "
                                     "save files as UTF-8 to be sure")
    if looks_binary(data):
        nul = b"\x00" in data
        raise ValueError("binary file (contains NUL bytes), not text" if nul else "binary file, not text")
    text = _strict(data, "utf-8", truncated)
    if text is not None:
        return text, "utf-8-sig", None
    return data.decode("cp1252", errors="replace"), "cp1252", "not UTF-8; decoded as Latin-1 (Windows-1252)"


def decode(data: bytes, *, truncated: bool = False) -> tuple[str, str | None]:
    """Bytes → (text, a warning or None). Raises ValueError for binary data.

    ``truncated`` says that ``data`` is the first part of a longer file (a
    character cut in two at its end is then dropped)."""
    text, _, warning = _decode(data, truncated)
    return text, warning


def sniff(head: bytes) -> tuple[str, str | None]:
    """The codec to read a file that starts with ``head`` as a stream, and a warning
    or None; raises ValueError for binary data."""
    _, codec, warning = _decode(head, True)
    return codec, warning


# ---------------------------------------------------------------------- characters
def normalise_chars(text: str) -> str:
    """Line ends to ``\\n``, spaces to " ", control and invisible characters dropped, NFC."""
    text = _NEWLINE.sub("\n", text)
    text = _SPACE.sub(" ", text)
    text = _DROP_AS_SPACE.sub(" ", text)
    text = _DROP_RE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def safe_str(value: str) -> str:
    """``value`` (a file name, an id) on one line, without control characters and the lone
    surrogates (undecodable bytes of a file name, bad JSON escapes) the database cannot store."""
    return _DROP_RE.sub("", _NEWLINE.sub(" ", value)).strip()


# ---------------------------------------------------------------------- limits
def break_long_runs(text: str) -> tuple[str, int]:
    """``text`` with runs of over MAX_RUN_CHARS non-space characters cut into pieces, and how many."""
    count = 0

    def cut(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        run = m.group(0)
        return " ".join(run[i:i + MAX_RUN_CHARS] for i in range(0, len(run), MAX_RUN_CHARS))

    return _LONG_RUN.sub(cut, text), count


def truncate(text: str, limit: int = MAX_ARTICLE_CHARS) -> str:
    """The first ``limit`` characters of ``text`` at most, cut at the last paragraph,
    line or word break before the limit when there is one in its second half."""
    if len(text) <= limit:
        return text
    for sep in ("\n\n", "\n", " "):
        cut = text.rfind(sep, 0, limit + 1)
        if cut >= limit // 2:
            return text[:cut].rstrip()
    return text[:limit]


# ---------------------------------------------------------------------- language
#: Texts with fewer letters than this are not checked: too short to tell, and
#: a headline full of names reads as anything.
LANG_MIN_LETTERS = 100
#: English function words; a text of which at least ENGLISH_SHARE of the words are
#: these is English without asking the language model (most news is; the model
#: costs ~1.5 ms an article)
ENGLISH_WORDS = frozenset(
    "the of and to in a is was that for on with as by at from it he she they his her their its has have had "
    "said were be been are this which will would not but an who after also than into over".split())
ENGLISH_SHARE = 0.2
WORD = re.compile(r"[^\W\d_]+")
#: The identifier's labels for English and its close kin (Nigerian Pidgin, Scots)
ENGLISH = frozenset({"en", "pcm", "sco"})
LANG_NAMES = {
    "ar": "Arabic", "de": "German", "es": "Spanish", "fa": "Persian", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "pl": "Polish",
    "pt": "Portuguese", "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "zh": "Chinese",
}
_identifier: Any = None


def _ident() -> Any:
    global _identifier
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def foreign_language(text: str) -> str | None:
    """A description of the language of ``text`` when it is clearly not English, else None.

    Clearly means: at least LANG_MIN_LETTERS letters in the first 3,000
    characters, and either most letters outside the Latin alphabet, or
    py3langid sure of another language (probability ≥ 0.8) and giving English
    under 1%. Short texts, English crowded with foreign names, and texts where
    English function words are a fifth of the words (checked first) pass."""
    sample = text[:3000]
    words = WORD.findall(sample.lower())
    if len(words) >= 20 and sum(w in ENGLISH_WORDS for w in words) >= ENGLISH_SHARE * len(words):
        return None
    letters = [c for c in sample if c.isalpha()]
    if len(letters) < LANG_MIN_LETTERS:
        return None
    ranked = _ident().rank(sample)
    top, p = ranked[0]
    latin = sum(1 for c in letters if c < "\u0250")
    if latin < len(letters) / 2:
        name = LANG_NAMES.get(top, top) if top not in ENGLISH else "a non-Latin script"
        return f"{name} ({top})" if top not in ENGLISH else name
    english = max(s for lang, s in ranked if lang in ENGLISH)
    if top in ENGLISH or p < 0.8 or english >= 0.01:
        return None
    return f"{LANG_NAMES.get(top, top)} ({top}, probability {p:.2f})"
