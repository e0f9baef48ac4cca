"""Prose with inline mathematics, as the derivations write it, turned into safe LaTeX.

Justifications and notes are plain Unicode strings such as
``"chain rule: d/dz (1 + e^{−z})^{−1} = e^{−z}/(1 + e^{−z})²"``.  ``prose(text)`` keeps the
words as text and sets each run of mathematical tokens in ``$…$``:

    chain rule: $d/dz (1 + e^{-z})^{-1} = e^{-z}/(1 + e^{-z})^{2}$

A token is mathematical when its core (without surrounding punctuation) contains an operator,
a digit, a sub- or superscript, or a Unicode math symbol, or is a single letter other than
"a", "A" or "I".  Every character of the output is either mapped or escaped, so any input
yields LaTeX that compiles: TeX's special characters are escaped, unknown characters become
``?``, and unbalanced braces are escaped rather than trusted.
"""

from __future__ import annotations

import re
from typing import Mapping

__all__ = ["prose", "escape", "math_token", "plain"]

#: Unicode in mathematics → LaTeX math.
MATH_CHARS: dict[str, str] = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon", "ϵ": r"\epsilon",
    "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "ι": r"\iota", "κ": r"\kappa", "λ": r"\lambda",
    "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma", "τ": r"\tau",
    "υ": r"\upsilon", "φ": r"\phi", "ϕ": r"\phi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega",
    "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda", "Ξ": r"\Xi", "Π": r"\Pi",
    "Σ": r"\Sigma", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
    "−": "-", "–": "-", "±": r"\pm", "×": r"\times", "·": r"\cdot", "⋅": r"\cdot", "∘": r"\circ",
    "⊙": r"\odot", "⊗": r"\otimes", "⊥": r"\perp", "∇": r"\nabla", "∂": r"\partial", "∑": r"\sum",
    "∏": r"\prod", "√": r"\surd", "∞": r"\infty", "≈": r"\approx", "≠": r"\neq", "≤": r"\leq",
    "≥": r"\geq", "≪": r"\ll", "≫": r"\gg", "→": r"\to", "←": r"\leftarrow", "↦": r"\mapsto",
    "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow", "∈": r"\in", "∉": r"\notin", "⊂": r"\subset",
    "⊆": r"\subseteq", "∪": r"\cup", "∩": r"\cap", "‖": r"\|", "⟨": r"\langle", "⟩": r"\rangle",
    "≡": r"\equiv", "∝": r"\propto", "∀": r"\forall", "∃": r"\exists", "∧": r"\wedge", "∨": r"\vee",
    "¬": r"\neg", "÷": r"\div", "∼": r"\sim", "~": r"\sim", "…": r"\dots", "⋯": r"\cdots",
    "ℝ": r"\mathbb{R}", "′": "'", "″": "''", "½": r"\tfrac{1}{2}", "∅": r"\emptyset", "°": r"^{\circ}",
    "ᵀ": r"^{\top}", "⁻¹": "^{-1}", "⁰": "^{0}", "¹": "^{1}", "²": "^{2}", "³": "^{3}", "⁴": "^{4}",
    "⁻": "^{-}", "ⁿ": "^{n}", "ᵏ": "^{k}", "₀": "_{0}", "₁": "_{1}", "₂": "_{2}", "₃": "_{3}",
    "₄": "_{4}", "ₖ": "_{k}", "ᵢ": "_{i}", "ⱼ": "_{j}", "ₙ": "_{n}", "ₘ": "_{m}",
    "∓": r"\mp", "ℓ": r"\ell", "⊤": r"^{\top}", "∣": r"\mid", "𝒩": r"\mathcal{N}", "𝔼": r"\mathbb{E}",
    "ℕ": r"\mathbb{N}", "⁺": "^{+}", "ᵢ": "_{i}", "⊕": r"\oplus", "⊘": r"\oslash", "∖": r"\setminus",
    "#": r"\#", "%": r"\%", "&": r"\&", "$": r"\$", "\\": r"\backslash", "|": "|",
}

#: Unicode in prose → LaTeX text (characters with a mathematical reading go through $…$).
TEXT_CHARS: dict[str, str] = {
    "—": "---", "–": "--", "‘": "`", "’": "'", "“": "``", "”": "''", "…": r"\dots{}", "é": r"\'e",
    "è": r"\`e", "ö": r'\"o', "ü": r'\"u', "ä": r'\"a', "à": r"\`a", "ç": r"\c{c}", "\u00a0": "~",
    "#": r"\#", "%": r"\%", "&": r"\&", "$": r"\$", "_": r"\_", "{": r"\{", "}": r"\}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}

#: Names that are operators in mathematics: ``log`` → ``\log``.
MATH_WORDS = {"log": r"\log", "exp": r"\exp", "tanh": r"\tanh", "sin": r"\sin", "cos": r"\cos",
              "max": r"\max", "min": r"\min", "argmax": r"\operatorname{argmax}", "det": r"\det",
              "softmax": r"\operatorname{softmax}", "softplus": r"\operatorname{softplus}",
              "logsumexp": r"\operatorname{logsumexp}", "diag": r"\operatorname{diag}",
              "lim": r"\lim", "tr": r"\operatorname{tr}"}

_MATH_SIGNAL = re.compile(r"[=+*/^_<>0-9()\[\]{}|]")
#: Characters that make a token mathematical (a dash between words does not).
_SIGNAL_CHARS = frozenset(MATH_CHARS) - {"–", "…", "~", "#", "%", "&", "$", "\\", "|"}
_EDGE_PUNCT = ",.;:!?"
_NOT_VARIABLES = {"a", "A", "I"}
_TOKEN = re.compile(r"\S+|\s+")


def escape(text: str) -> str:
    """Plain text with TeX's special characters escaped and Unicode mapped (never math)."""
    return "".join(TEXT_CHARS.get(c, c if c.isascii() else "?") for c in text)


_PLAIN_SYMBOLS = {"→": "->", "←": "<-", "≤": "<=", "≥": ">=", "≠": "!=", "‖": "||", "∞": "inf",
                  "∈": " in ", "≈": "~", "×": "x", "·": "*", "⋅": "*", "≫": ">>", "≪": "<<"}
_PLAIN_ASCII = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                "$": r"\$", "~": " ", "^": "", "\\": "/"}


def plain(text: str) -> str:
    """ASCII for places that take no mathematics (PDF bookmarks and metadata): θ₀ → theta0, − → -.

    TeX's special characters come out escaped, so the result can stand in a TeX argument.
    """
    out = []
    for c in text:
        if c.isascii():
            out.append(_PLAIN_ASCII.get(c, c))
            continue
        mapped = _PLAIN_SYMBOLS.get(c) or MATH_CHARS.get(c) or TEXT_CHARS.get(c, "")
        accented = re.fullmatch(r"\\\W\{?(\w)\}?|\\c\{(\w)\}", mapped)
        if accented:
            out.append(accented.group(1) or accented.group(2))
            continue
        word = mapped if c in _PLAIN_SYMBOLS else re.sub(r"\\(var)?|[{}^_ ]", "", mapped).replace("top", "T")
        out.append(word if word and re.fullmatch(r"[A-Za-z0-9'`.,;:!?()+=<>*/|~ \-]+", word) else "?")
    return "".join(out)


def _core(token: str) -> str:
    return token.strip(_EDGE_PUNCT + "()[]\"'")


#: An identifier of a program (``expand_log``, ``log_expit``), not a subscripted variable.
_IDENTIFIER = re.compile(r"[A-Za-z]{2,}(_[A-Za-z]{2,})+")


def _is_math(token: str) -> bool:
    core = _core(token)
    if not core or _IDENTIFIER.fullmatch(core):
        return False
    letter = len(core) == 1 and core.isalpha() and (core.isascii() or core in MATH_CHARS)
    if letter and core not in _NOT_VARIABLES:
        return True
    if core in MATH_WORDS:
        return False   # "the softmax saturates": a word; "softmax(a)" is caught below
    # A hyphen joins words ("log-odds", "one-hot"); in mathematics the derivations use "−".
    if re.fullmatch(r"[A-Za-z]+(-[A-Za-z]+)*", core):
        return False
    return bool(_MATH_SIGNAL.search(core)) or any(c in _SIGNAL_CHARS for c in core)


def _sigma(text: str, i: int) -> str:
    """Σ as a summation sign (Σ_k y_k, Σ x_i²) or as the covariance (Σ⁻¹, |Σ|, 𝒩(x | μ, Σ))."""
    rest = text[i + 1:].lstrip(" ")
    summing = rest[:1] == "_" or (rest[:1].isalpha() and text[i + 1:i + 2] == " ")
    return r"\sum" if summing else r"\boldsymbol{\Sigma}"


def _argument(text: str, i: int) -> str:
    """The parenthesised argument that opens at ``text[i]`` (without the parentheses)."""
    depth = 0
    for j in range(i, len(text)):
        depth += {"(": 1, ")": -1}.get(text[j], 0)
        if depth == 0:
            return text[i + 1:j]
    return text[i + 1:]


def _word(text: str, i: int, w: str) -> str:
    """A run of letters: an operator name, ℝ, an English word set upright, or variables side by side."""
    after = text[i + len(w):]
    if w == "diag" and after.startswith("(") and "ᵀ" in _argument(after, 0):
        return r"\operatorname{vecdiag}"   # diag(μᵀPμ) takes a diagonal out; diag(s) builds a matrix
    if w == "R" and after.startswith("^") and (i == 0 or not text[i - 1].isalnum()):
        return r"\mathbb{R}"
    if w in MATH_WORDS:
        return MATH_WORDS[w]
    if len(w) >= 3:
        return r"\text{%s}" % w           # P(error): a word inside mathematics stays upright
    return w                               # letters side by side are a product of variables (xxᵀ)


def math_token(text: str) -> str:
    r"""Unicode mathematics → LaTeX math (without the dollars): ``e^{−z}`` → ``e^{-z}``.

    A brace after ``^`` or ``_`` groups a script; any other brace is a set's (``{0, 1}`` →
    ``\{0, 1\}``).  A script of several letters or digits is one index (``δ_ij`` → ``δ_{ij}``).
    """
    out, i = [], 0
    braces: list[bool] = []   # for each open brace: is it a set's brace?
    while i < len(text):
        two = text[i:i + 2]
        if len(two) == 2 and two in MATH_CHARS:
            out.append(MATH_CHARS[two])
            i += 2
            continue
        word = re.match(r"[A-Za-z]+", text[i:])
        if word:
            out.append(_word(text, i, word.group()))
            i += len(word.group())
            continue
        c = text[i]
        if c == "{":
            braces.append(not (i and text[i - 1] in "^_"))   # a set's brace, unless it groups a script
            if braces[-1]:
                out.append(r"\{")
                i += 1
                continue
        if c == "}" and braces and braces.pop():
            out.append(r"\}")
            i += 1
            continue
        if c == "Σ":
            out.append(_sigma(text, i) + " ")
            i += 1
            continue
        if c == "⊥" and i and text[i - 1].isalnum():
            out.append(r"_{\perp}")            # x⊥, a vector's name, not the relation ⊥
            i += 1
            continue
        if c in "^_" and not re.match(r"[\^_]\s*[^\s^_}]", text[i:]):
            i += 1  # a sub- or superscript with nothing to raise would stop TeX
            continue
        index = re.match(r"_([A-Za-z0-9]{2,})", text[i:])
        if index and index.group(1) not in MATH_WORDS:
            out.append("_{%s}" % index.group(1))
            i += len(index.group())
            continue
        if c in "^_" and text[i + 1:i + 2] != "{":
            # a script takes one token: brace what follows (x_\log, e^σ) so TeX reads it whole
            j = i + 1 + (len(text) - i - 1 - len(text[i + 1:].lstrip()))
            word = re.match(r"[A-Za-z]+|.", text[j:])
            if word and (word.group() in MATH_WORDS or word.group() in MATH_CHARS):
                out.append(c + "{" + math_token(word.group()) + "}")
                i = j + len(word.group())
                continue
        spaced = MATH_CHARS.get(c, "")[-1:].isalpha() and i + 1 < len(text)   # \sigma x, not \sigmax
        out.append(MATH_CHARS[c] + (" " if spaced else "") if c in MATH_CHARS
                   else c if c.isascii() else "?")
        i += 1
    return _balance("".join(out))


def _balance(tex: str) -> str:
    """Escape braces that do not pair up, so a stray one cannot break the document."""
    unmatched, stack = set(), []
    for i, c in enumerate(tex):
        if c == "{" and (i == 0 or tex[i - 1] != "\\"):
            stack.append(i)
        elif c == "}" and (i == 0 or tex[i - 1] != "\\"):
            if stack:
                stack.pop()
            else:
                unmatched.add(i)
    unmatched |= set(stack)
    return "".join(("\\" + c if i in unmatched else c) for i, c in enumerate(tex)) if unmatched else tex


def _tokens(text: str) -> list[str]:
    """Words and spaces, except that a brace group spanning spaces stays one token: e^{log π_k + log 𝒩_k}."""
    out: list[str] = []
    depth = 0
    for token in _TOKEN.findall(text):
        if depth > 0:
            out[-1] += token
        else:
            out.append(token)
        if not token.isspace():
            depth = max(0, depth + token.count("{") - token.count("}"))
    return out


_REFERENCE = re.compile(r"\(([a-z0-9]+(?:-[a-z0-9]+)+)\)")


def prose(text: str, refs: Mapping[str, str] | None = None) -> str:
    """Words as text, runs of mathematical tokens as ``$…$`` (see the module docstring).

    ``refs`` maps a derivation's name to the LaTeX that cites it: "(sigmoid-derivative)"
    becomes "(Theorem~\\ref{…})", so no internal name reaches the page.
    """
    if refs:
        parts = _REFERENCE.split(text)
        if len(parts) > 1:
            # split() alternates text and captured names
            return "".join(prose(part) if k % 2 == 0 else
                           ("(%s)" % refs[part] if part in refs else escape("(%s)" % part))
                           for k, part in enumerate(parts))
    return _prose(text)


def _prose(text: str) -> str:
    pieces: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            joined = "".join(run)
            stripped = joined.rstrip()
            tail = joined[len(stripped):]
            lead_p = len(stripped) - len(stripped.lstrip("(\"'"))
            trail = len(stripped) - len(stripped.rstrip(_EDGE_PUNCT))
            head, body = stripped[:lead_p], stripped[lead_p:len(stripped) - trail]
            end = stripped[len(stripped) - trail:]
            # an opening parenthesis before the mathematics stays in the text only when its
            # partner is not inside the mathematics too
            if head and body.count(")") > body.count("("):
                body, head = head + body, ""
            while body.endswith(")") and body.count(")") > body.count("("):
                body, end = body[:-1], ")" + end   # "(explicit d=1..4)": the text's parenthesis
            tex = math_token(body)
            if len(body) > 60 or re.search(r"\[-?[\d.]+,", body):   # a list of values may break after its commas
                tex = tex.replace(", ", r",\allowbreak ")
            pieces.append(escape(head) + "$" + tex + "$" + escape(end) + tail)
            run.clear()

    tokens = _tokens(text)
    words = [t for t in tokens if not t.isspace()]
    for token in tokens:
        if token.isspace():
            # Any run of space (no-break, newline, …) is one plain space: TeX spaces the words
            # itself, and a blank line would start a paragraph where none may be.
            (run if run else pieces).append(" ")
            continue
        if _is_math(token) or _operator_in_math(token, words, bool(run)):
            run.append(token)
            if token.endswith((";", ".")) and not token.endswith(".."):
                flush()   # a sentence or clause ends here: the mathematics does too
        else:
            flush()
            core = _core(token)
            if _IDENTIFIER.fullmatch(core):
                start = token.index(core)
                pieces.append(escape(token[:start]) + r"\textsf{%s}" % escape(core) + escape(token[start + len(core):]))
            else:
                pieces.append(escape(token))
    flush()
    return "".join(pieces)


def _operator_in_math(token: str, words: list[str], in_run: bool) -> bool:
    """"log" in "θ₀ = log π" or "log 𝒩(x | μ, Σ)": an operator name that mathematics follows."""
    if _core(token) not in MATH_WORDS or token != _core(token):
        return False
    k = words.index(token)
    following = words[k + 1] if k + 1 < len(words) else ""
    words[k] = ""   # the same word later in the text is looked at afresh
    return bool(following) and _is_math(following)
