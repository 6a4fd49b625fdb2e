"""A small, safe evaluator for the XLSForm expressions used in `relevant` and `constraint`.

Supported subset (what KoboToolbox/ODK forms of cluster barometers use):

- references `${name}` to another answer, and `.` for the current answer (constraints);
- string literals ('oui' or "oui"), numbers (12, 3.5);
- comparisons `=`, `!=`, `<`, `<=`, `>`, `>=`;
- `and`, `or`, `not(...)`; arithmetic `+ - * div mod`, unary minus, parentheses;
- functions `selected(${x}, 'v')`, `count-selected(${x})`, `string-length(...)`,
  `string(...)`, `number(...)`, `int(...)`, `true()`, `false()`, `if(c, a, b)`,
  `today()`, `regex(..., 'pattern')`.

Nothing is passed to Python's eval: the text is tokenized, parsed by recursive descent
into a tuple tree, and that tree is walked. The web answer form mirrors these rules in
JavaScript, but the server is the authority: every submission is checked again here.

Semantics follow XPath 1.0 as ODK applies it:
- an unanswered question is the empty string '';
- a select_multiple answer is its space-separated choice names;
- `=` between a number and a string compares numerically when both look like numbers,
  so `${nb} = 3` and `${region} = '84'` both behave as form authors expect;
- `<`, `>` etc. convert both sides to numbers (NaN compares false);
- boolean value of '' is false, of a non-empty string true, of 0 or NaN false.

API (stable, used by the answer form and the importers):

    parse(text) -> Node                  raise ExpressionError on bad syntax
    evaluate(text_or_node, answers, current=None) -> bool | float | str
    is_true(text_or_node, answers, current=None) -> bool
    references(text) -> set of question names referenced by ${...}
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ExpressionError",
    "parse",
    "evaluate",
    "is_true",
    "references",
    "to_string",
    "to_number",
    "to_bool",
]


class ExpressionError(ValueError):
    """A syntax or evaluation error; `position` is the 0-based character offset."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message if position is None else f"{message} (position {position + 1})")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str  # ref, dot, str, num, op, name, lparen, rparen, comma, end
    value: str
    pos: int


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<ref>\$\{\s*(?P<refname>[A-Za-z_][A-Za-z0-9_.\-]*)\s*\})
  | (?P<num>\d+(?:\.\d*)?|\.\d+)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<op>!=|<=|>=|=|<|>|\+|-|\*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*(?:\(\s*\))?)
  | (?P<dot>\.)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
    """,
    re.VERBOSE,
)

_WORD_OPERATORS = {"and", "or", "div", "mod"}
FUNCTIONS = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "string": (1, 1),
    "number": (1, 1),
    "int": (1, 1),
    "not": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "if": (3, 3),
    "today": (0, 0),
    "regex": (2, 2),
    "concat": (1, 20),
    "contains": (2, 2),
    "round": (1, 2),
}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            raise ExpressionError(f"caractère inattendu « {text[pos]} »", pos)
        kind = m.lastgroup
        if kind == "refname":  # pragma: no cover - the named inner group never ends a match
            kind = "ref"
        if m.group("ref"):
            tokens.append(Token("ref", m.group("refname"), pos))
        elif kind == "ws":
            pass
        elif kind == "name":
            word = m.group("name")
            if word.endswith(")"):
                # "true()" written without a space; split back into name + ( + ).
                name = word[: word.index("(")].strip()
                tokens.append(Token("name", name, pos))
                tokens.append(Token("lparen", "(", pos + len(name)))
                tokens.append(Token("rparen", ")", m.end() - 1))
            elif word in _WORD_OPERATORS:
                tokens.append(Token("op", word, pos))
            else:
                tokens.append(Token("name", word, pos))
        elif kind == "str":
            tokens.append(Token("str", m.group("str")[1:-1], pos))
        else:
            tokens.append(Token(kind, m.group(kind), pos))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# Nodes are plain tuples: ("ref", name) ("dot",) ("str", s) ("num", f)
# ("bin", op, left, right) ("neg", operand) ("call", name, args)
Node = tuple


class _Parser:
    # Lowest to highest precedence, as XPath 1.0.
    LEVELS = [
        ("or",),
        ("and",),
        ("=", "!="),
        ("<", "<=", ">", ">="),
        ("+", "-"),
        ("*", "div", "mod"),
    ]

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, kind: str, what: str) -> Token:
        tok = self.peek()
        if tok.kind != kind:
            found = tok.value or "fin de l'expression"
            raise ExpressionError(f"{what} attendu, « {found} » trouvé", tok.pos)
        return self.take()

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise ExpressionError("expression vide", 0)
        node = self.binary(0)
        tok = self.peek()
        if tok.kind != "end":
            raise ExpressionError(f"« {tok.value} » inattendu", tok.pos)
        return node

    def binary(self, level: int) -> Node:
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek().kind == "op" and self.peek().value in self.LEVELS[level]:
            op = self.take().value
            right = self.binary(level + 1)
            left = ("bin", op, left, right)
        return left

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.value == "-":
            self.take()
            return ("neg", self.unary())
        return self.primary()

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "ref":
            return ("ref", tok.value)
        if tok.kind == "dot":
            return ("dot",)
        if tok.kind == "str":
            return ("str", tok.value)
        if tok.kind == "num":
            return ("num", float(tok.value))
        if tok.kind == "lparen":
            node = self.binary(0)
            self.expect("rparen", "« ) »")
            return node
        if tok.kind == "name":
            if tok.value not in FUNCTIONS:
                raise ExpressionError(f"fonction inconnue « {tok.value} »", tok.pos)
            self.expect("lparen", "« ( »")
            args: list[Node] = []
            if self.peek().kind != "rparen":
                args.append(self.binary(0))
                while self.peek().kind == "comma":
                    self.take()
                    args.append(self.binary(0))
            self.expect("rparen", "« ) »")
            low, high = FUNCTIONS[tok.value]
            if not low <= len(args) <= high:
                raise ExpressionError(
                    f"{tok.value}() attend {low} argument(s), {len(args)} donné(s)", tok.pos
                )
            return ("call", tok.value, tuple(args))
        found = tok.value or "fin de l'expression"
        raise ExpressionError(f"« {found} » inattendu", tok.pos)


@lru_cache(maxsize=2048)
def parse(text: str) -> Node:
    """Parse an expression into a tree; cached because forms repeat the same few."""
    return _Parser(text or "").parse()


def references(text: str) -> set[str]:
    names: set[str] = set()

    def walk(node):
        if node[0] == "ref":
            names.add(node[1])
        elif node[0] == "bin":
            walk(node[2])
            walk(node[3])
        elif node[0] == "neg":
            walk(node[1])
        elif node[0] == "call":
            for arg in node[2]:
                walk(arg)

    walk(parse(text))
    return names


# --- XPath value conversions -------------------------------------------------------


def to_string(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def to_number(value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    text = to_string(value).strip()
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


def to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return not (value == 0 or math.isnan(value))
    return to_string(value) != ""


def _looks_numeric(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return not math.isnan(to_number(value))


def _equals(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return to_bool(a) == to_bool(b)
    if _looks_numeric(a) and _looks_numeric(b):
        return to_number(a) == to_number(b)
    return to_string(a) == to_string(b)


def _compare(op: str, a, b) -> bool:
    x, y = to_number(a), to_number(b)
    if math.isnan(x) or math.isnan(y):
        return False
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _arith(op: str, a, b) -> float:
    x, y = to_number(a), to_number(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "div":
        if y == 0:
            return math.nan if x == 0 or math.isnan(x) else math.copysign(math.inf, x)
        return x / y
    if y == 0 or math.isnan(x) or math.isnan(y):
        return math.nan
    return math.fmod(x, y)


def _selected_list(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return to_string(value).split()


class _Evaluator:
    def __init__(self, answers, current):
        self.answers = answers
        self.current = current

    def value(self, node: Node):
        kind = node[0]
        if kind == "ref":
            raw = self.answers.get(node[1]) if self.answers else None
            return "" if raw is None else raw
        if kind == "dot":
            return "" if self.current is None else self.current
        if kind in ("str", "num"):
            return node[1]
        if kind == "neg":
            return -to_number(self.value(node[1]))
        if kind == "bin":
            op = node[1]
            if op == "or":
                return to_bool(self.value(node[2])) or to_bool(self.value(node[3]))
            if op == "and":
                return to_bool(self.value(node[2])) and to_bool(self.value(node[3]))
            a, b = self.value(node[2]), self.value(node[3])
            if op == "=":
                return _equals(a, b)
            if op == "!=":
                return not _equals(a, b)
            if op in ("<", "<=", ">", ">="):
                return _compare(op, a, b)
            return _arith(op, a, b)
        if kind == "call":
            return self.call(node[1], node[2])
        raise ExpressionError(f"nœud inconnu {kind}")  # pragma: no cover

    def call(self, name: str, args: tuple):
        v = self.value
        if name == "selected":
            return to_string(v(args[1])) in _selected_list(v(args[0]))
        if name == "count-selected":
            return float(len(_selected_list(v(args[0]))))
        if name == "string-length":
            return float(len(to_string(v(args[0]))))
        if name == "string":
            return to_string(v(args[0]))
        if name == "number":
            return to_number(v(args[0]))
        if name == "int":
            n = to_number(v(args[0]))
            return n if math.isnan(n) or math.isinf(n) else float(math.trunc(n))
        if name == "round":
            n = to_number(v(args[0]))
            digits = int(to_number(v(args[1]))) if len(args) > 1 else 0
            return n if math.isnan(n) else float(round(n, digits))
        if name == "not":
            return not to_bool(v(args[0]))
        if name == "true":
            return True
        if name == "false":
            return False
        if name == "if":
            return v(args[1]) if to_bool(v(args[0])) else v(args[2])
        if name == "today":
            return datetime.date.today().isoformat()
        if name == "regex":
            try:
                return re.search(to_string(v(args[1])), to_string(v(args[0]))) is not None
            except re.error as exc:
                raise ExpressionError(f"expression régulière invalide : {exc}") from exc
        if name == "concat":
            return "".join(to_string(v(a)) for a in args)
        if name == "contains":
            return to_string(v(args[1])) in to_string(v(args[0]))
        raise ExpressionError(f"fonction inconnue « {name} »")  # pragma: no cover


def evaluate(expression: str | Node, answers: dict | None, current=None):
    """Value of an expression given the answers by question name.

    `answers` maps names to stored values (str, int, float, list for select_multiple);
    a missing name means unanswered. `current` is the value `.` stands for.
    """
    node = parse(expression) if isinstance(expression, str) else expression
    return _Evaluator(answers or {}, current).value(node)


def is_true(expression: str | Node, answers: dict | None, current=None) -> bool:
    return to_bool(evaluate(expression, answers, current))
