r"""The grammar of the answer language (lark, LALR), shared by plain text and LaTeX.

Both lexers (plain.py, latex.py) turn the text into these tokens, so one grammar and one
builder (build.py) serve both notations.

Precedence, loosest first:
  sum      a + b,  a - b                         (left to right)
  term     a * b,  a / b,  a @ b,  a ⊙ b,  a b   (left to right: 1/2 x is x/2)
  signed   -a,  +a                               (-x^2 is -(x^2))
  power    a ^ b                                 (right to left: 2^3^2 is 2^9)
  postfix  a^T,  a.T
  atom     number, name, (sum), f(args), f x, \frac{a}{b}, |a|, ||a||

Implicit multiplication takes an unsigned factor, so  a -b  is a difference, never a (-b).
A function written without parentheses takes one power as its argument: log p, log p^2
(= log(p^2)), \log \sigma(z); then juxtaposition resumes, so  log p x  is log(p)·x.  A power
of a function, \tanh^2 z, is (tanh z)², as in print.
"""

from __future__ import annotations

from functools import cache
from typing import Iterator

from lark import Lark
from lark.lexer import Lexer

__all__ = ["GRAMMAR", "parser"]

GRAMMAR = r"""
%declare NUMBER NAME FUNC PLUS MINUS STAR SLASH AT HADAMARD POW EPOW TRANSPOSE FRAC
%declare ABS_OPEN ABS_CLOSE NORM_OPEN NORM_CLOSE _LPAR _RPAR _COMMA SUM

start: sum

?sum: term ((PLUS | MINUS) term)+      -> sum
    | term

?term: signed (_mulop signed | power | sumover)+ -> term
     | signed

sumover: SUM term

_mulop: STAR | SLASH | AT | HADAMARD

?signed: MINUS signed                  -> neg
       | PLUS signed                   -> pos
       | sumover
       | power

?power: postfix POW exponent           -> pow
      | postfix EPOW exponent          -> epow
      | postfix

?exponent: MINUS exponent              -> neg
         | PLUS exponent               -> pos
         | power

?postfix: postfix TRANSPOSE            -> transpose
        | atom

?atom: NUMBER                          -> number
     | NAME                            -> name
     | _LPAR sum _RPAR
     | FUNC _LPAR args _RPAR           -> call
     | FUNC POW exponent _LPAR args _RPAR -> powcall
     | FUNC POW exponent bare          -> powcall
     | FUNC bare                       -> call
     | FRAC _LPAR sum _RPAR _LPAR sum _RPAR -> frac
     | ABS_OPEN sum ABS_CLOSE          -> abs
     | NORM_OPEN sum NORM_CLOSE        -> norm

?bare: bare_base POW exponent          -> pow
     | bare_base

?bare_base: NUMBER                     -> number
          | NAME                       -> name
          | FUNC _LPAR args _RPAR      -> call
          | FUNC bare                  -> call
          | FRAC _LPAR sum _RPAR _LPAR sum _RPAR -> frac
          | ABS_OPEN sum ABS_CLOSE     -> abs
          | NORM_OPEN sum NORM_CLOSE   -> norm
          | bare_base TRANSPOSE        -> transpose

args: sum (_COMMA sum)*
"""


class _TokenList(Lexer):
    """Feeds lark the tokens our own lexers made (they resolve names, which lark's cannot)."""

    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, data: list) -> Iterator:
        return iter(data)


@cache
def parser() -> Lark:
    """The LALR parser, built once per process."""
    return Lark(GRAMMAR, parser="lalr", lexer=_TokenList)
