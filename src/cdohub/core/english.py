"""English left in the Chinese interface: the words a reader sees on a page, in a spreadsheet's
header or in a message, that are English and not on the short list of terms kept as they are.

What a page shows as data rather than as wording is marked so in its HTML and not read here:
`<code>`, `<kbd>`, `<samp>`, `<pre>` and any element with `translate="no"` (the HTML way of saying
"leave this as it is": user names, column and table names, file names, codes); what a user typed
into a text area; and the admin's read-only values.
"""

import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser

# Words written in capitals are codes and abbreviations (API, CSV, GB/T, HYZKDM, SQL) and are not
# read. The rest are words a translation changes, but for these names, each kept as it is written.
ALLOWED = frozenset(
    {
        "Excel",  # the spreadsheet bureaux fill in, named as they name it
        "Parquet",  # a file format's name
        "PostgreSQL",  # the database products a data source is connected to
        "MySQL",
        "MariaDB",
        "SQLite",
        "DuckDB",
        "Oracle",
        "Hub",  # the product's name, CDO Hub
        "Ctrl",  # the key's label on the keyboard
    }
)

# Words: runs of Latin letters. A run glued to digits, underscores, dots, @ or slashes is an
# identifier (440900-GA, t_rk_jbxx, user@host, v1.2), not a word, and is not read.
WORD = re.compile(
    r"(?<![0-9A-Za-z_@./\\:-])[A-Za-z]{2,}(?:['’][A-Za-z]+)?(?![0-9A-Za-z_@\\:]|[./-]+[0-9A-Za-z_])"
)
LETTER = re.compile(r"[A-Za-z]")

READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
BUTTON_INPUTS = ("submit", "button", "reset")
# Not wording: scripts, data shown as written (`bdi`: text isolated as the data it is, as Django's
# admin shows a password hash), and what a user typed (a textarea's content).
SKIPPED = {"script", "style", "code", "kbd", "samp", "pre", "bdi", "svg", "math", "noscript", "textarea"}
# Django admin shows a read-only field's stored value in a `readonly` box: data, as stored.
DATA_CLASSES = {"readonly"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
}  # fmt: skip


def english_words(text: str) -> list[str]:
    """The English words of `text` outside the allow-list (a word in Chinese text counts too)."""
    found = []
    for match in WORD.finditer(text):
        word = match.group()
        if word in ALLOWED or word.isupper():
            continue
        if not _is_identifier(text, match.start(), match.end()):
            found.append(word)
    return found


def _is_identifier(text: str, start: int, end: int) -> bool:
    """camelCase / snake_case / dotted names and codes next to digits are data, not words."""
    word = text[start:end]
    if any(c.isdigit() for c in text[max(0, start - 1) : start] + text[end : end + 1]):
        return True
    return len(word) > 1 and word[1:] != word[1:].lower() and word[1:] != word[1:].upper()


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes outside scripts and data, the title, and the
    attributes that are read out or shown (title, placeholder, aria-label, alt, button values)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.pieces: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skipped = (
            self.skipping
            or tag in SKIPPED
            or values.get("translate") == "no"
            or not DATA_CLASSES.isdisjoint((values.get("class") or "").split())
        )
        if not skipped:
            self.pieces += [values[name] or "" for name in READ_ATTRIBUTES if values.get(name)]
            if tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUTS:
                self.pieces.append(values.get("value") or "")
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping and LETTER.search(data):
            self.pieces.append(data)


def visible_text(html: str) -> list[str]:
    """The pieces of text of an HTML page or fragment a reader sees, each as one string."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return [" ".join(piece.split()) for piece in parser.pieces if piece.strip()]


def english_in_html(html: str) -> Iterator[tuple[str, list[str]]]:
    """(piece of text, its English words) for each piece of a page that has any."""
    for piece in visible_text(html):
        words = english_words(piece)
        if words:
            yield piece, words


def english_in_cells(cells: Iterable[object]) -> Iterator[tuple[str, list[str]]]:
    """The same for spreadsheet cells (a template's headers, an export's)."""
    for cell in cells:
        if isinstance(cell, str):
            words = english_words(cell)
            if words:
                yield cell, words
