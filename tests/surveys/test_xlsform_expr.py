import pytest

from surveys.xlsform_expr import ExpressionError, evaluate, is_true, parse, references


@pytest.mark.parametrize(
    ("expression", "answers", "expected"),
    [
        ("${a} = 'oui'", {"a": "oui"}, True),
        ("${a} = 'oui'", {}, False),
        ("${a} != ''", {}, False),
        ("${a} != ''", {"a": "x"}, True),
        ("${n} > 10 and ${n} <= 20", {"n": 15}, True),
        ("${n} > 10 and ${n} <= 20", {"n": 25}, False),
        ("${n} < 5 or ${n} >= 100", {"n": 150}, True),
        ("not(${a} = 'oui')", {"a": "non"}, True),
        ("selected(${m}, 'b')", {"m": ["a", "b"]}, True),
        ("selected(${m}, 'c')", {"m": "a b"}, False),
        ("count-selected(${m}) >= 2", {"m": ["a", "b"]}, True),
        ("(${n} + 2) * 3 = 15", {"n": 3}, True),
        ("${n} div 4 = 2.5", {"n": 10}, True),
        ("${n} mod 3 = 1", {"n": 10}, True),
        ("-${n} < 0", {"n": 1}, True),
        ("${region} = '84'", {"region": "84"}, True),
        ("${region} = 84", {"region": "84"}, True),
        ("${n} > 3", {}, False),
        ("\"double\" = 'double'", {}, True),
        ("true() and not(false())", {}, True),
        ("string-length(${t}) > 3", {"t": "abcd"}, True),
        ("if(${a} = 'oui', 1, 2) = 1", {"a": "oui"}, True),
        ("regex(${cp}, '^[0-9]{5}$')", {"cp": "69007"}, True),
    ],
)
def test_expressions_follow_xlsform_semantics(expression, answers, expected):
    assert is_true(expression, answers) is expected


def test_dot_is_the_current_answer_in_constraints():
    assert is_true(". >= 0", {}, current=3)
    assert not is_true(". >= 0", {}, current=-1)
    assert is_true("count-selected(.) <= 2", {}, current="a b")
    assert not is_true("count-selected(.) <= 2", {}, current="a b c")


def test_arithmetic_precedence_is_that_of_xpath():
    assert evaluate("1 + 2 * 3", {}) == 7
    assert evaluate("(1 + 2) * 3", {}) == 9
    assert evaluate("10 - 4 - 3", {}) == 3
    assert evaluate("1 = 1 and 2 = 3 or 1 = 1", {}) is True


@pytest.mark.parametrize(
    ("expression", "position"),
    [("${a} = ", 7), ("1 +* 2", 3), ("foo(1)", 0), ("(1", 2), ("'abc", 0), ("${a} $ 3", 5)],
)
def test_syntax_errors_say_where(expression, position):
    with pytest.raises(ExpressionError) as info:
        parse(expression)
    assert info.value.position == position


def test_nothing_is_executed_as_python():
    with pytest.raises(ExpressionError):
        parse("__import__('os').system('true')")
    with pytest.raises(ExpressionError):
        parse("${a}.__class__")


def test_wrong_number_of_arguments_is_a_syntax_error():
    with pytest.raises(ExpressionError, match="selected"):
        parse("selected(${a})")


def test_references_lists_the_questions_an_expression_reads():
    assert references("${a} = 'x' and selected(${b}, 'y') or . > ${c}") == {"a", "b", "c"}
