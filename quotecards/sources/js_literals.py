"""JavaScript that is plain data, read without running it: Eleventy's `---js` front matter, its
`.11tydata.js` data files and the folders its config file names.

Eleventy evaluates such JavaScript in node; quotecards reads a page's front matter without
running code from it, so this reader takes literal values only: strings (a template literal
without `${…}`), numbers, true/false/null/undefined, arrays and objects of them, a `new
Date("…")` of a literal (its text), and names declared earlier as one of those. Anything else — a
function, a call, an operator, a template with `${…}` — becomes a `NotData` that says what it is
and where: harmless where nothing reads it (a computed permalink, `eleventyComputed`, navigation),
an error where a card or the publishing decision needs it (post.py, frontmatter.py).

A statement that is not a declaration (an `if`, a call on its own) could change any value, so
JavaScript with one is not data at all: `JsDataError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["JsDataError", "NotData", "Token", "read_export", "read_statements", "tokens", "value_at"]


@dataclass(frozen=True)
class NotData:
    """A value written as code, not as a literal: what it is (a function call, …) and its line."""

    what: str
    line: int

    def __str__(self) -> str:
        return f"JavaScript that is not plain data ({self.what} at line {self.line})"

    __repr__ = __str__


class JsDataError(ValueError):
    """JavaScript that cannot be read as data at all: `what` is found at `line`."""

    def __init__(self, what: str, line: int):
        super().__init__(f"{what} at line {line}")
        self.what, self.line = what, line


@dataclass(frozen=True)
class Token:
    """One token: its kind (name, num, str, tmpl, regex, punct, eof), its text or decoded value, its line."""

    kind: str
    text: str
    line: int
    newline_before: bool = False  # a line ends between the previous token and this one
    value: Any = None  # a string's or number's value; for a template literal, its text or None when it has ${…}


_NAME = re.compile(r"[A-Za-z_$\u00a0-\uffff][\w$\u00a0-\uffff]*")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F_]+n?|0[oO][0-7_]+n?|0[bB][01_]+n?"
                     r"|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?n?")
_PUNCTUATORS = sorted(">>>= ... === !== **= <<= >>= >>> &&= ||= ??= => == != <= >= && || ?? ?. ++ -- += -= *= /= "
                      "%= &= |= ^= ** << >> { } ( ) [ ] ; , < > + - * / % & | ^ ! ~ ? : = . @ #".split(),
                      key=len, reverse=True)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
# After these a `/` starts a regular expression, not a division.
_BEFORE_REGEX_WORDS = {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw",
                       "instanceof", "yield", "await"}
_NEWLINES = "\n\r\u2028\u2029"
_STATEMENT_WORDS = {"const", "let", "var", "function", "async", "class", "import", "export", "if", "for", "while",
                   "do", "switch", "try", "throw", "return", "module"}


def tokens(text: str, first_line: int = 1) -> list[Token]:
    """`text` as tokens, comments left out, ending in an `eof` token; JsDataError where it cannot be split."""
    lexer = _Lexer(text, first_line)
    try:
        return lexer.run()
    except JsDataError:
        raise
    except (ValueError, IndexError, OverflowError):  # a malformed escape (\u12) or number (0x_)
        raise JsDataError("a malformed escape or number", lexer.line) from None


@dataclass
class _Lexer:
    text: str
    line: int
    pos: int = 0
    out: list[Token] = field(default_factory=list)

    def run(self) -> list[Token]:
        while True:
            newline = self._space()
            if self.pos >= len(self.text):
                self.out.append(Token("eof", "", self.line, newline))
                return self.out
            self.out.append(self._token(newline))

    def _space(self) -> bool:
        """Skip white space and comments; whether a line ended in them."""
        text, newline = self.text, False
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in _NEWLINES:
                newline = True
                self.line += ch != "\r" or not text.startswith("\n", self.pos + 1)
                self.pos += 1
            elif ch.isspace() or ch == "\ufeff":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = min((i for i in (text.find(c, self.pos) for c in _NEWLINES) if i >= 0), default=len(text))
                self.pos = end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise JsDataError("an unclosed /* comment", self.line)
                comment = text[self.pos:end]
                newline = newline or any(c in comment for c in _NEWLINES)
                self.line += comment.count("\n")
                self.pos = end + 2
            else:
                break
        return newline

    def _token(self, newline: bool) -> Token:
        text, line, ch = self.text, self.line, self.text[self.pos]
        if ch in "'\"":
            return Token("str", ch, line, newline, self._string(ch))
        if ch == "`":
            return Token("tmpl", "`", line, newline, self._template())
        number = _NUMBER.match(text, self.pos)
        if number and (ch.isdigit() or ch == "." and number.end() > self.pos + 1):
            self.pos = number.end()
            return Token("num", number.group(), line, newline, _number(number.group()))
        name = _NAME.match(text, self.pos)
        if name:
            self.pos = name.end()
            return Token("name", name.group(), line, newline)
        if ch == "/" and self._regex_allowed():
            self._regex()
            return Token("regex", "/", line, newline)
        for punct in _PUNCTUATORS:
            if text.startswith(punct, self.pos):
                self.pos += len(punct)
                return Token("punct", punct, line, newline)
        raise JsDataError(f"a character JavaScript does not have here ({ch!r})", line)

    def _regex_allowed(self) -> bool:
        last = self.out[-1] if self.out else None
        if last is None:
            return True
        if last.kind == "punct":
            return last.text not in (")", "]", "}")
        return last.kind == "name" and last.text in _BEFORE_REGEX_WORDS

    def _regex(self) -> None:
        text, pos, in_class = self.text, self.pos + 1, False
        while pos < len(text) and text[pos] not in _NEWLINES:
            ch = text[pos]
            if ch == "\\":
                pos += 1
            elif ch == "[":
                in_class = True
            elif ch == "]":
                in_class = False
            elif ch == "/" and not in_class:
                flags = _NAME.match(text, pos + 1)
                self.pos = flags.end() if flags else pos + 1
                return
            pos += 1
        raise JsDataError("an unclosed regular expression", self.line)

    def _string(self, quote: str) -> str:
        text, pos, parts = self.text, self.pos + 1, list[str]()
        while pos < len(text):
            ch = text[pos]
            if ch == quote:
                self.pos = pos + 1
                return "".join(parts)
            if ch in "\n\r":
                break
            if ch == "\\":
                piece, pos = self._escape(pos)
                parts.append(piece)
                continue
            parts.append(ch)
            pos += 1
        raise JsDataError("an unclosed string", self.line)

    def _template(self) -> str | None:
        """A template literal's text, or None when it has a ${…} in it (skipped to its end)."""
        text, pos, parts, plain = self.text, self.pos + 1, list[str](), True
        while pos < len(text):
            ch = text[pos]
            if ch == "`":
                self.pos = pos + 1
                return "".join(parts) if plain else None
            if ch == "\\":
                piece, pos = self._escape(pos)
                parts.append(piece)
                continue
            if text.startswith("${", pos):
                plain = False
                pos = self._substitution(pos + 2)
                continue
            self.line += ch == "\n"
            parts.append(ch)
            pos += 1
        raise JsDataError("an unclosed template literal", self.line)

    def _substitution(self, pos: int) -> int:
        """Where the ${…} whose inside starts at `pos` ends: its tokens are read to the matching brace."""
        inner = _Lexer(self.text, self.line, pos)
        depth = 0
        while True:
            newline = inner._space()
            if inner.pos >= len(self.text):
                raise JsDataError("an unclosed ${ in a template literal", self.line)
            token = inner._token(newline)
            inner.out.append(token)
            if token.text == "{":
                depth += 1
            elif token.text == "}":
                if depth == 0:
                    self.line = inner.line
                    return inner.pos
                depth -= 1

    def _escape(self, pos: int) -> tuple[str, int]:
        """The character an escape at `pos` (its backslash) stands for, and where the escape ends."""
        text = self.text
        ch = text[pos + 1] if pos + 1 < len(text) else ""
        if ch in _NEWLINES:  # a line continuation
            self.line += 1
            return "", pos + 2 + text.startswith("\r\n", pos + 1)
        if ch == "x":
            return chr(int(text[pos + 2:pos + 4], 16)), pos + 4
        if ch == "u" and text.startswith("{", pos + 2):
            end = text.index("}", pos)
            return chr(int(text[pos + 3:end], 16)), end + 1
        if ch == "u":
            return chr(int(text[pos + 2:pos + 6], 16)), pos + 6
        return _ESCAPES.get(ch, ch), pos + 2


def _number(text: str) -> int | float:
    text = text.replace("_", "").removesuffix("n")
    if text[:2].lower() in ("0x", "0o", "0b"):
        return int(text, 0)
    if re.fullmatch(r"\d+", text):
        return int(text)
    return float(text)


# -- values ----------------------------------------------------------------------------------

_NOT_LITERAL = object()  # the value is no literal: it is code, read as a NotData by the caller
_KEYWORD_VALUES: dict[str, Any] = {"true": True, "false": False, "null": None, "undefined": None,
                                   "Infinity": math.inf, "NaN": math.nan}


def value_at(toks: list[Token], index: int, ends: tuple[str, ...] = (",", ";"),
             scope: dict[str, Any] | None = None) -> tuple[Any, int]:
    """The value whose expression starts at `toks[index]`, and the index after it: a literal, or a
    NotData for an expression that is code. The expression ends at one of `ends` outside brackets,
    or (between statements) where a new statement starts on a new line."""
    return _Values(toks, scope or {}).value(index, ends)


@dataclass
class _Values:
    toks: list[Token]
    scope: dict[str, Any]  # names declared earlier as literals

    def value(self, i: int, ends: tuple[str, ...]) -> tuple[Any, int]:
        try:
            found, after = self._literal(i)
        except IndexError:  # the text ended inside it
            found, after = _NOT_LITERAL, i
        if found is not _NOT_LITERAL and self._ends(after, ends):
            return found, after
        end = self._skip(i, ends)
        return NotData(self._what(i, end), self.toks[i].line), end

    def _ends(self, i: int, ends: tuple[str, ...]) -> bool:
        tok = self.toks[i]
        if tok.kind == "eof" or tok.kind == "punct" and tok.text in ends:
            return True
        return ";" in ends and tok.newline_before and tok.kind == "name"

    def _literal(self, i: int) -> tuple[Any, int]:
        tok = self.toks[i]
        if tok.kind in ("str", "num"):
            return tok.value, i + 1
        if tok.kind == "tmpl":
            return (tok.value, i + 1) if tok.value is not None else (_NOT_LITERAL, i)
        if tok.kind == "punct" and tok.text in "+-" and self.toks[i + 1].kind == "num":
            number = self.toks[i + 1].value
            return (-number if tok.text == "-" else number), i + 2
        if tok.kind == "name":
            return self._named(i)
        if tok.text == "{":
            return self._object(i + 1)
        if tok.text == "[":
            return self._array(i + 1)
        if tok.text == "(":  # a literal in brackets
            inner, after = self._literal(i + 1)
            closed = inner is not _NOT_LITERAL and self.toks[after].text == ")"
            return (inner, after + 1) if closed else (_NOT_LITERAL, i)
        return _NOT_LITERAL, i

    def _named(self, i: int) -> tuple[Any, int]:
        tok, toks = self.toks[i], self.toks
        if tok.text in _KEYWORD_VALUES:
            return _KEYWORD_VALUES[tok.text], i + 1
        if [t.text for t in toks[i:i + 3]] == ["new", "Date", "("] and isinstance(toks[i + 3].value, str) \
                and toks[i + 3].kind in ("str", "tmpl") and toks[i + 4].text == ")":
            return toks[i + 3].value, i + 5  # a date of a literal: its text, as YAML would give it
        known = tok.text in self.scope and not isinstance(self.scope[tok.text], NotData)
        if known and toks[i + 1].text not in (".", "?.", "(", "["):
            return self.scope[tok.text], i + 1
        return _NOT_LITERAL, i

    def _object(self, i: int) -> tuple[Any, int]:
        found: dict[str, Any] = {}
        toks = self.toks
        while toks[i].text != "}" or toks[i].kind != "punct":
            key = toks[i]
            if key.kind not in ("name", "str", "num"):
                return _NOT_LITERAL, i  # a computed key, a spread: not a literal object
            name = key.text if key.kind == "name" else str(key.value)
            after = toks[i + 1]
            if after.text == ":":
                found[name], i = self.value(i + 2, (",", "}"))
            elif after.text == "(" or key.text in ("get", "set", "async") and after.kind == "name":
                end = self._skip(i, (",", "}"))
                found[after.text if after.kind == "name" else name] = NotData("a function", key.line)
                i = end
            elif after.text in (",", "}"):  # shorthand: the value of a name declared earlier
                found[name], i = self.value(i, (",", "}"))
            else:
                return _NOT_LITERAL, i
            if toks[i].text == ",":
                i += 1
            elif toks[i].text != "}":
                return _NOT_LITERAL, i
        return found, i + 1

    def _array(self, i: int) -> tuple[Any, int]:
        items: list[Any] = []
        toks = self.toks
        while toks[i].text != "]":
            if toks[i].text == ",":  # a hole
                items.append(None)
                i += 1
                continue
            if toks[i].text == "..." or toks[i].kind == "eof":
                return _NOT_LITERAL, i
            item, i = self.value(i, (",", "]"))
            items.append(item)
            if toks[i].text == ",":
                i += 1
            elif toks[i].text != "]":
                return _NOT_LITERAL, i
        return items, i + 1

    def _skip(self, i: int, ends: tuple[str, ...]) -> int:
        """The index after the expression starting at `i`: brackets balanced, up to one of `ends`
        or (between statements) a statement starting on a new line."""
        depth, toks = 0, self.toks
        while toks[i].kind != "eof":
            tok = toks[i]
            if depth == 0 and i > 0 and ";" in ends and tok.newline_before and tok.text in _STATEMENT_WORDS \
                    and tok.kind == "name":
                return i
            if tok.kind == "punct":
                if depth == 0 and tok.text in ends:
                    return i
                if tok.text in "([{":
                    depth += 1
                elif tok.text in ")]}":
                    if depth == 0:
                        return i
                    depth -= 1
            i += 1
        return i

    def _what(self, start: int, end: int) -> str:
        """What the code between `start` and `end` is, in a few words."""
        toks = self.toks[start:end]
        first = toks[0] if toks else self.toks[start]
        texts = [t.text for t in toks]
        if first.text in ("function", "async", "class") or "=>" in texts:
            return "a class" if first.text == "class" else "a function"
        if first.kind == "tmpl":
            return "a template literal with ${…}"
        if first.text == "new":
            return "a new expression"
        if first.kind == "regex":
            return "a regular expression"
        if any(a.kind == "name" and b.text == "(" for a, b in zip(toks, toks[1:])):
            return "a function call"
        if len(toks) == 1 and first.kind == "name":
            return f"a variable ({first.text})"
        return "an expression"


# -- statements ------------------------------------------------------------------------------


def read_statements(text: str, first_line: int = 1) -> dict[str, Any]:
    """Eleventy 3's `---js` front matter: what its top-level declarations declare (const, let,
    var, function, class, import), each a literal or a NotData; or, where it is one object
    literal, that object. JsDataError for a statement that is not a declaration."""
    toks = tokens(text, first_line)
    if toks[0].text == "{":  # Eleventy's older form: one object literal
        found, end = value_at(toks, 0, (";",))
        end += toks[end].text == ";"
        if isinstance(found, NotData):
            raise JsDataError(f"an object that is not plain data ({found.what})", found.line)
        if toks[end].kind != "eof":
            raise JsDataError("more after the object", toks[end].line)
        return dict(found)
    return _Statements(toks).run(exports=False)


def read_export(text: str, first_line: int = 1) -> dict[str, Any]:
    """A JavaScript data file's object (`export default {…}`, `module.exports = {…}`), its
    declarations before it allowed; JsDataError where it exports anything but an object literal."""
    return _Statements(tokens(text, first_line)).run(exports=True)


@dataclass
class _Statements:
    toks: list[Token]
    declared: dict[str, Any] = field(default_factory=dict)
    exported: dict[str, Any] | None = None

    def run(self, exports: bool) -> dict[str, Any]:
        i = 0
        while self.toks[i].kind != "eof":
            i = self._statement(i, exports)
        if not exports:
            return self.declared
        if self.exported is None:
            raise JsDataError("no export default {…} or module.exports = {…}", self.toks[i].line)
        return self.exported

    def _statement(self, i: int, exports: bool) -> int:
        tok, toks = self.toks[i], self.toks
        if tok.text == ";":
            return i + 1
        if tok.kind == "str" and (toks[i + 1].text == ";" or toks[i + 1].newline_before or toks[i + 1].kind == "eof"):
            return i + 1  # a directive ("use strict")
        if tok.kind == "name" and tok.text in ("const", "let", "var"):
            return self._declarations(i + 1)
        if tok.text in ("function", "class") or tok.text == "async" and toks[i + 1].text == "function":
            return self._function(i)
        if tok.text == "import" and toks[i + 1].text not in ("(", "."):
            return self._import(i + 1)
        if exports and tok.text == "export" and toks[i + 1].text == "default":
            return self._export(i + 2)
        if exports and tok.text == "export" and toks[i + 1].text in ("const", "let", "var"):
            return self._declarations(i + 2)
        if exports and tok.text == "module" and [t.text for t in toks[i + 1:i + 4]] == [".", "exports", "="]:
            return self._export(i + 4)
        raise JsDataError(_statement_kind(tok), tok.line)

    def _declarations(self, i: int) -> int:
        toks = self.toks
        while True:
            name = toks[i]
            if name.kind != "name":
                raise JsDataError("a destructuring declaration", name.line)
            if toks[i + 1].text == "=":
                value, i = value_at(toks, i + 2, (",", ";"), self.declared)
            else:
                value, i = None, i + 1
            self.declared[name.text] = value
            if toks[i].text != ",":
                return i + (toks[i].text == ";")
            i += 1

    def _function(self, i: int) -> int:
        """A function or class declaration declares its name; what follows its body is the next statement."""
        toks, start, named, depth = self.toks, self.toks[i], False, 0
        while toks[i].kind != "eof":
            tok = toks[i]
            if not named and tok.kind == "name" and tok.text not in ("function", "class", "async", "extends"):
                what = "a class" if start.text == "class" else "a function"
                self.declared[tok.text] = NotData(what, start.line)
                named = True
            if tok.kind == "punct" and tok.text in "([{":
                depth += 1
            elif tok.kind == "punct" and tok.text in ")]}":
                depth -= 1
                if depth == 0 and tok.text == "}":
                    return i + 1
            i += 1
        return i

    def _import(self, i: int) -> int:
        """An import binds names whose values are other files' code."""
        toks = self.toks
        while toks[i].kind != "eof" and not (toks[i].text == ";" or toks[i].newline_before and toks[i].kind == "name"
                                             and toks[i].text in _STATEMENT_WORDS):
            tok = toks[i]
            if tok.kind == "name" and tok.text not in ("from", "as", "type") and toks[i + 1].text != "as":
                self.declared[tok.text] = NotData("an import", tok.line)
            i += 1
        return i + (toks[i].text == ";")

    def _export(self, i: int) -> int:
        value, end = value_at(self.toks, i, (";",), self.declared)
        if not isinstance(value, dict):
            what = value.what if isinstance(value, NotData) else "a value that is no object"
            raise JsDataError(f"an export that is not an object literal ({what})", self.toks[i].line)
        self.exported = value
        return end + (self.toks[end].text == ";")


def _statement_kind(tok: Token) -> str:
    if tok.kind == "name" and tok.text in ("if", "for", "while", "do", "switch", "try", "throw", "return", "export"):
        return f"{'an' if tok.text in ('if', 'export') else 'a'} {tok.text} statement"
    return "a statement that is not a declaration"
