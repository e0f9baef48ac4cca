"""The LaTeX preamble every document shares, and the wrapper that makes a document of a body.

Layout rules, so that a page reads like a textbook's: sections run on (no page per section),
a proof's heading is kept with its first lines (``\\keeplines``), figures float near their
first mention, every table has a caption, and mathematics is never scaled down: a long line
is broken, or a sub-expression is given a name.
"""

from __future__ import annotations

__all__ = ["PREAMBLE", "document"]

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[a4paper,hmargin=2.3cm,vmargin=2.4cm]{geometry}
\usepackage{amsmath,amssymb,mathtools}
\usepackage{graphicx}
\usepackage{booktabs,longtable,array}
\usepackage[table]{xcolor}
\usepackage[labelfont=bf]{caption}
\usepackage[hidelinks]{hyperref}
\allowdisplaybreaks[3]
% text that reads back from the PDF (search, copy, pdftotext), big delimiters included
\input{glyphtounicode}
\pdfgentounicode=1
\def\maptext#1#2{\pdfglyphtounicode{#1big}{#2}\pdfglyphtounicode{#1Big}{#2}%
  \pdfglyphtounicode{#1bigg}{#2}\pdfglyphtounicode{#1Bigg}{#2}}
\maptext{parenleft}{0028}\maptext{parenright}{0029}\maptext{bracketleft}{005B}
\maptext{bracketright}{005D}\maptext{braceleft}{007B}\maptext{braceright}{007D}
\maptext{radical}{221A}\maptext{slash}{002F}
\pdfglyphtounicode{parenlefttp}{0028}\pdfglyphtounicode{parenrighttp}{0029}
\pdfglyphtounicode{bracketlefttp}{005B}\pdfglyphtounicode{bracketrighttp}{005D}
\pdfglyphtounicode{vextendsingle}{007C}\pdfglyphtounicode{vextenddouble}{2016}
\pdfglyphtounicode{summationdisplay}{2211}\pdfglyphtounicode{summationtext}{2211}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.45\baselineskip}
\renewcommand{\topfraction}{0.85}
\renewcommand{\textfraction}{0.12}
\renewcommand{\floatpagefraction}{0.75}
\definecolor{provedc}{HTML}{1B7A3A}
\definecolor{refutedc}{HTML}{B3001B}
\definecolor{undecidedc}{HTML}{9A6A00}
\definecolor{framec}{HTML}{3B5B8C}
\definecolor{backc}{HTML}{F2F5FA}
% a step's note: number, justification, then its mark
\newlength{\notewidth}
\setlength{\notewidth}{0.33\linewidth}
\newcommand{\stepnote}[3]{\parbox[t]{\notewidth}{\raggedright
  \textcolor{gray}{(#1)}~#2\if\relax\detokenize{#3}\relax\else~#3\fi}}
% the marks of the proof body; the methods and sizes are in the appendix
\newcommand{\ok}{\textcolor{provedc}{\checkmark}}
\newcommand{\bad}{\textcolor{refutedc}{$\boldsymbol{\times}$}}
\newcommand{\unk}{\textcolor{undecidedc}{\textbf{?}}}
% the badges of the appendix table: the mark and the method
\newcommand{\badge}[3]{\textcolor{#1}{#2}\ #3}
\newcommand{\proved}[1]{\badge{provedc}{\checkmark}{#1}}
\newcommand{\refuted}[1]{\badge{refutedc}{$\times$}{#1}}
\newcommand{\undecided}[1]{\badge{undecidedc}{?}{#1}}
\newsavebox{\lhsbox}
% the theorem, framed
\newsavebox{\thmbox}
\newenvironment{theorembox}
  {\par\medskip\noindent\begingroup\setlength{\fboxsep}{8pt}%
   \begin{lrbox}{\thmbox}\begin{minipage}{\dimexpr\linewidth-2\fboxsep-2\fboxrule\relax}
   \textbf{Theorem\theoremnumber.}\par\vspace{-0.5\baselineskip}}
  {\end{minipage}\end{lrbox}\fcolorbox{framec}{backc}{\usebox{\thmbox}}\endgroup\par\medskip}
\newcommand{\theoremnumber}{\ifnum\value{section}>0 \ \arabic{section}\fi}
% a proof's heading never ends a page: it keeps about six lines with it
\newcommand{\keeplines}[1]{\par\vspace{0pt plus #1\baselineskip}\penalty-200\vspace{0pt plus -#1\baselineskip}}
\newcommand{\proofpart}[1]{\keeplines{7}\textit{#1}\par\nopagebreak\vspace{-1.2\baselineskip}}
\newcommand{\qedline}{\vspace{-0.6\baselineskip}\par\hfill$\square$\par}
"""


def document(body: str, title: str, subtitle: str, toc: bool = False, pdf_title: str | None = None) -> str:
    """A complete document: the preamble, a title block and ``body``.

    Without cross-references (``toc`` false) ``\\nofiles`` writes no .aux, so latexmk sees
    nothing new and one LaTeX pass makes the PDF.
    """
    files = "" if toc else "\\nofiles\n"
    head = PREAMBLE + files + "\\hypersetup{pdftitle={%s}}\n\\begin{document}\n" % (pdf_title or title)
    top = ("\\begin{center}\n{\\LARGE\\bfseries %s}\\par\\medskip\n{\\large %s}\n\\end{center}\n"
           % (title, subtitle))
    return head + top + body + "\n\\end{document}\n"
