"""static/js/answer-form.js must decide relevant and constraint as the server does.

The same expressions and answers go through the Python evaluator (the authority) and
the page's JavaScript evaluator under Node; every verdict must agree.
"""

import json
import subprocess
from pathlib import Path

from surveys.xlsform_expr import is_true

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "static" / "js" / "answer-form.js"

ANSWERS = {
    "opportunites": "oui",
    "nb": "12",
    "nb_int": 12,
    "types": ["nouveaux_marches", "relocalisation"],
    "region": "84",
    "vide": "",
    "texte": "Lin & chanvre",
    "dec": "3.5",
}
CASES = [
    ("${opportunites} = 'oui'", None),
    ("${opportunites} = 'non'", None),
    ("${opportunites} != ''", None),
    ("${absent} != ''", None),
    ("${absent} = ''", None),
    ("${nb} = 12", None),
    ("${nb_int} = '12'", None),
    ("${nb} > 5 and ${nb} < 100", None),
    ("${nb} > 5 or ${region} = '99'", None),
    ("not(${nb} >= 13)", None),
    ("selected(${types}, 'relocalisation')", None),
    ("selected(${types}, 'autre')", None),
    ("count-selected(${types}) >= 2", None),
    ("count-selected(${types}) = 0", None),
    ("${region} = '84'", None),
    ("${region} = 84", None),
    ("string-length(${texte}) > 10", None),
    ("regex(${texte}, '^Lin')", None),
    ("contains(${texte}, 'chanvre')", None),
    ("${dec} * 2 = 7", None),
    ("${nb} div 4 = 3", None),
    ("${nb} mod 5 = 2", None),
    ("-${nb} < 0", None),
    ("if(${nb} > 10, 'grand', 'petit') = 'grand'", None),
    ("round(${dec}) = 4", None),
    ("int(${dec}) = 3", None),
    ("concat(${region}, '-', ${opportunites}) = '84-oui'", None),
    ("number(${texte}) = number(${texte})", None),
    ("${vide} < 3", None),
    ("true() and not(false())", None),
    (". >= 0", "-5"),
    (". >= 0", "0"),
    (". >= 0", "abc"),
    (". <= 1000 and . > 0", "12"),
    ("string-length(.) <= 5", "abcdef"),
    ("regex(., '^[0-9]{5}$')", "31000"),
    ("regex(., '^[0-9]{5}$')", "3100"),
    (". != ${region}", "84"),
]


def test_javascript_evaluator_agrees_with_the_python_evaluator():
    program = f"""
    global.window = {{}};
    require({json.dumps(str(SCRIPT))});
    const X = window.MapsterXLSForm;
    const cases = {json.dumps(CASES)};
    const answers = {json.dumps(ANSWERS)};
    console.log(JSON.stringify(cases.map(([e, cur]) => X.isTrue(e, answers, cur))));
    """
    out = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True)
    from_js = json.loads(out.stdout)
    from_py = [is_true(expr, ANSWERS, current) for expr, current in CASES]
    disagreements = [
        (expr, current, py, js)
        for (expr, current), py, js in zip(CASES, from_py, from_js, strict=True)
        if py != js
    ]
    assert disagreements == []
    # Not a tautology: both sides see true and false verdicts.
    assert set(from_py) == {True, False}
