/* Answer form: XLSForm `relevant` and `constraint` applied while the person types,
 * drafts saved in the background.
 *
 * The expression evaluator mirrors surveys/xlsform_expr.py (same grammar, same XPath
 * conversions) so that the page shows what the server will say. The server remains the
 * authority: it re-checks every submission with the Python evaluator.
 */
(function () {
  "use strict";

  // --- Expressions (mirror of surveys/xlsform_expr.py) ---------------------------------
  var TOKEN = /^(?:(\s+)|(\$\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\})|(\d+(?:\.\d*)?|\.\d+)|('[^']*'|"[^"]*")|(!=|<=|>=|=|<|>|\+|-|\*)|([A-Za-z_][A-Za-z0-9_\-]*(?:\(\s*\))?)|(\.)|(\()|(\))|(,))/;
  var WORD_OPS = { and: 1, or: 1, div: 1, mod: 1 };
  var FUNCTIONS = {
    "selected": [2, 2], "count-selected": [1, 1], "string-length": [1, 1], "string": [1, 1],
    "number": [1, 1], "int": [1, 1], "not": [1, 1], "true": [0, 0], "false": [0, 0],
    "if": [3, 3], "today": [0, 0], "regex": [2, 2], "concat": [1, 20], "contains": [2, 2],
    "round": [1, 2]
  };
  var LEVELS = [["or"], ["and"], ["=", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "div", "mod"]];

  function ExprError(message) { this.message = message; }

  function tokenize(text) {
    var tokens = [], pos = 0, m;
    while (pos < text.length) {
      m = TOKEN.exec(text.slice(pos));
      if (!m) throw new ExprError("caractère inattendu « " + text[pos] + " »");
      if (m[2]) tokens.push({ kind: "ref", value: m[3] });
      else if (m[4]) tokens.push({ kind: "num", value: m[4] });
      else if (m[5]) tokens.push({ kind: "str", value: m[5].slice(1, -1) });
      else if (m[6]) tokens.push({ kind: "op", value: m[6] });
      else if (m[7]) {
        var word = m[7];
        if (word.charAt(word.length - 1) === ")") {
          tokens.push({ kind: "name", value: word.slice(0, word.indexOf("(")).trim() });
          tokens.push({ kind: "lparen", value: "(" });
          tokens.push({ kind: "rparen", value: ")" });
        } else if (WORD_OPS[word]) tokens.push({ kind: "op", value: word });
        else tokens.push({ kind: "name", value: word });
      }
      else if (m[8]) tokens.push({ kind: "dot", value: "." });
      else if (m[9]) tokens.push({ kind: "lparen", value: "(" });
      else if (m[10]) tokens.push({ kind: "rparen", value: ")" });
      else if (m[11]) tokens.push({ kind: "comma", value: "," });
      pos += m[0].length;
    }
    tokens.push({ kind: "end", value: "" });
    return tokens;
  }

  function parse(text) {
    var tokens = tokenize(text || ""), i = 0;
    function peek() { return tokens[i]; }
    function take() { return tokens[i++]; }
    function expect(kind) {
      if (peek().kind !== kind) throw new ExprError(kind + " attendu");
      return take();
    }
    function binary(level) {
      if (level === LEVELS.length) return unary();
      var left = binary(level + 1);
      while (peek().kind === "op" && LEVELS[level].indexOf(peek().value) >= 0) {
        var op = take().value;
        left = ["bin", op, left, binary(level + 1)];
      }
      return left;
    }
    function unary() {
      if (peek().kind === "op" && peek().value === "-") { take(); return ["neg", unary()]; }
      return primary();
    }
    function primary() {
      var tok = take();
      if (tok.kind === "ref") return ["ref", tok.value];
      if (tok.kind === "dot") return ["dot"];
      if (tok.kind === "str") return ["str", tok.value];
      if (tok.kind === "num") return ["num", parseFloat(tok.value)];
      if (tok.kind === "lparen") { var n = binary(0); expect("rparen"); return n; }
      if (tok.kind === "name") {
        if (!FUNCTIONS[tok.value]) throw new ExprError("fonction inconnue " + tok.value);
        expect("lparen");
        var args = [];
        if (peek().kind !== "rparen") {
          args.push(binary(0));
          while (peek().kind === "comma") { take(); args.push(binary(0)); }
        }
        expect("rparen");
        var range = FUNCTIONS[tok.value];
        if (args.length < range[0] || args.length > range[1]) throw new ExprError("arguments");
        return ["call", tok.value, args];
      }
      throw new ExprError("« " + tok.value + " » inattendu");
    }
    if (peek().kind === "end") throw new ExprError("expression vide");
    var node = binary(0);
    if (peek().kind !== "end") throw new ExprError("« " + peek().value + " » inattendu");
    return node;
  }

  function toString(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") {
      if (isNaN(v)) return "NaN";
      return Number.isInteger(v) ? String(v) : String(v);
    }
    if (Array.isArray(v)) return v.join(" ");
    return String(v);
  }
  function toNumber(v) {
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "number") return v;
    var text = toString(v).trim();
    if (!text) return NaN;
    // Python float(): a whole string must be a number (no "12abc").
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) && !/^[+-]?(inf|infinity|nan)$/i.test(text)) return NaN;
    return parseFloat(text);
  }
  function toBool(v) {
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return !(v === 0 || isNaN(v));
    return toString(v) !== "";
  }
  function looksNumeric(v) {
    if (typeof v === "boolean") return false;
    if (typeof v === "number") return true;
    return !isNaN(toNumber(v));
  }
  function equals(a, b) {
    if (typeof a === "boolean" || typeof b === "boolean") return toBool(a) === toBool(b);
    if (looksNumeric(a) && looksNumeric(b)) return toNumber(a) === toNumber(b);
    return toString(a) === toString(b);
  }
  function compare(op, a, b) {
    var x = toNumber(a), y = toNumber(b);
    if (isNaN(x) || isNaN(y)) return false;
    return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
  }
  function arith(op, a, b) {
    var x = toNumber(a), y = toNumber(b);
    if (op === "+") return x + y;
    if (op === "-") return x - y;
    if (op === "*") return x * y;
    if (op === "div") return x / y;
    if (y === 0 || isNaN(x) || isNaN(y)) return NaN;
    return x % y; // fmod: sign of the dividend, as JavaScript's %
  }
  function selectedList(v) {
    if (Array.isArray(v)) return v.map(String);
    return toString(v).split(/\s+/).filter(Boolean);
  }

  function evaluate(node, answers, current) {
    function value(n) {
      switch (n[0]) {
        case "ref": var raw = answers[n[1]]; return raw === undefined || raw === null ? "" : raw;
        case "dot": return current === undefined || current === null ? "" : current;
        case "str": case "num": return n[1];
        case "neg": return -toNumber(value(n[1]));
        case "bin":
          var op = n[1];
          if (op === "or") return toBool(value(n[2])) || toBool(value(n[3]));
          if (op === "and") return toBool(value(n[2])) && toBool(value(n[3]));
          var a = value(n[2]), b = value(n[3]);
          if (op === "=") return equals(a, b);
          if (op === "!=") return !equals(a, b);
          if (op === "<" || op === "<=" || op === ">" || op === ">=") return compare(op, a, b);
          return arith(op, a, b);
        case "call": return call(n[1], n[2]);
      }
      throw new ExprError("nœud inconnu");
    }
    function call(name, args) {
      var v = value;
      switch (name) {
        case "selected": return selectedList(v(args[0])).indexOf(toString(v(args[1]))) >= 0;
        case "count-selected": return selectedList(v(args[0])).length;
        case "string-length": return toString(v(args[0])).length;
        case "string": return toString(v(args[0]));
        case "number": return toNumber(v(args[0]));
        case "int": var n = toNumber(v(args[0])); return isNaN(n) || !isFinite(n) ? n : Math.trunc(n);
        case "round":
          var x = toNumber(v(args[0])), d = args.length > 1 ? Math.trunc(toNumber(v(args[1]))) : 0;
          if (isNaN(x)) return x;
          var f = Math.pow(10, d); return Math.round(x * f) / f;
        case "not": return !toBool(v(args[0]));
        case "true": return true;
        case "false": return false;
        case "if": return toBool(v(args[0])) ? v(args[1]) : v(args[2]);
        case "today": return new Date().toISOString().slice(0, 10);
        case "regex":
          try { return new RegExp(toString(v(args[1]))).test(toString(v(args[0]))); }
          catch (e) { throw new ExprError("expression régulière invalide"); }
        case "concat": return args.map(function (a) { return toString(v(a)); }).join("");
        case "contains": return toString(v(args[0])).indexOf(toString(v(args[1]))) >= 0;
      }
      throw new ExprError("fonction inconnue " + name);
    }
    return value(node);
  }

  var cache = {};
  function isTrue(text, answers, current) {
    if (!cache.hasOwnProperty(text)) cache[text] = parse(text);
    return toBool(evaluate(cache[text], answers, current));
  }

  window.MapsterXLSForm = { parse: parse, evaluate: evaluate, isTrue: isTrue, toNumber: toNumber };

  // --- The page ----------------------------------------------------------------------
  if (typeof document === "undefined") return; // loaded by the parity test under Node
  var form = document.getElementById("answer-form");
  if (!form) return;
  var messages = form.dataset;
  var blocks = Array.prototype.slice.call(form.querySelectorAll("[data-name]"));

  function rawValue(block) {
    var type = block.dataset.type, inputs = block.querySelectorAll("input, select, textarea");
    if (type === "select_multiple") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    if (type === "select_one") {
      var picked = Array.prototype.filter.call(inputs, function (i) {
        return i.tagName === "SELECT" ? true : i.checked;
      });
      return picked.length ? picked[0].value : "";
    }
    return inputs.length ? inputs[0].value.trim() : "";
  }
  function blank(v) { return v === "" || v === null || v === undefined || (Array.isArray(v) && !v.length); }

  // Answers as the server will receive them: hidden questions are disabled, so absent.
  function answers() {
    var out = {};
    blocks.forEach(function (b) {
      if (!b.dataset.type || b.hidden || b.closest("[hidden]")) return;
      var v = rawValue(b);
      if (!blank(v)) out[b.dataset.name] = v;
    });
    return out;
  }

  function applyRelevance() {
    // Several passes: showing a question may change what the next depends on.
    for (var pass = 0; pass < 5; pass++) {
      var changed = false, current = answers();
      blocks.forEach(function (b) {
        var expr = b.dataset.relevant, show = true;
        if (expr) {
          try { show = isTrue(expr, current); } catch (e) { show = true; }
        }
        if (b.hidden === show) {
          b.hidden = !show;
          b.querySelectorAll("input, select, textarea").forEach(function (i) { i.disabled = !show; });
          changed = true;
        }
      });
      if (!changed) break;
    }
  }

  function typeError(b, v) {
    var type = b.dataset.type;
    if (blank(v)) return "";
    if (type === "integer" && !/^[+-]?\d+$/.test(String(v).replace(/[\s\u202f]/g, ""))) return messages.msgInteger;
    if (type === "decimal" && isNaN(toNumber(String(v).replace(/[\s\u202f]/g, "").replace(",", ".")))) return messages.msgDecimal;
    if (type === "date" && !/^\d{4}-\d{2}-\d{2}/.test(String(v))) return messages.msgDate;
    return "";
  }

  function check(b, full) {
    if (!b.dataset.type || b.hidden || b.closest("[hidden]")) return "";
    var v = rawValue(b), error = typeError(b, v);
    // A number input with letters reports an empty value but a bad-input validity.
    var input = b.querySelector("input[type=number]");
    if (!error && input && input.validity && input.validity.badInput) error = messages.msgDecimal;
    if (!error && blank(v) && full && b.dataset.required) error = messages.msgRequired;
    if (!error && !blank(v) && b.dataset.constraint) {
      var current = Array.isArray(v) ? v.join(" ") : v;
      var ok = true;
      try { ok = isTrue(b.dataset.constraint, answers(), current); } catch (e) { ok = true; }
      if (!ok) error = b.dataset.constraintMessage || (messages.msgConstraint + " " + b.dataset.constraint);
    }
    return error;
  }

  function show(b, error) {
    var p = b.querySelector(".q-error");
    if (!p) return;
    p.textContent = error || "";
    p.hidden = !error;
    b.classList.toggle("has-error", !!error);
    b.querySelectorAll("input, select, textarea").forEach(function (i) {
      if (error) i.setAttribute("aria-invalid", "true"); else i.removeAttribute("aria-invalid");
    });
  }

  // Errors appear shortly after typing stops rather than on blur, so that the page does
  // not move under the finger that is about to tap the next question.
  var checkTimer = null;
  form.addEventListener("input", function (e) {
    applyRelevance();
    var b = e.target.closest("[data-name]");
    clearTimeout(checkTimer);
    if (b) checkTimer = setTimeout(function () { show(b, check(b, false)); }, 500);
    scheduleSave();
  });
  form.addEventListener("change", function (e) {
    applyRelevance();
    var b = e.target.closest("[data-name]");
    if (b) show(b, check(b, false));
    scheduleSave();
  });

  form.addEventListener("submit", function (e) {
    var submitter = e.submitter;
    if (!submitter || submitter.value !== "submit") { clearTimeout(timer); return; }
    applyRelevance();
    var first = null;
    blocks.forEach(function (b) {
      var error = check(b, true);
      show(b, error);
      if (error && !first) first = b;
    });
    if (!first) clearTimeout(timer); // the page is leaving with the same data
    if (first) {
      e.preventDefault();
      first.scrollIntoView({ block: "center" });
      var target = first.querySelector("input, select, textarea");
      if (target) target.focus();
    }
  });

  // Background drafts: a few seconds after the last change, never while a save runs.
  var timer = null, saving = false, status = document.getElementById("autosave-status");
  function scheduleSave() {
    clearTimeout(timer);
    timer = setTimeout(save, 2500);
  }
  function save() {
    if (saving) { scheduleSave(); return; }
    saving = true;
    var data = new FormData(form);
    data.delete("action");
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value, Accept: "application/json" }
    }).then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (status) status.textContent = res.ok ? (messages.msgSaved + " " + res.body.saved_at) : res.body.detail;
        form.dataset.autosaved = res.ok ? "1" : "error";
      })
      .catch(function () { if (status) status.textContent = messages.msgOffline; })
      .then(function () { saving = false; });
  }

  applyRelevance();
})();
