"""The lecture notes: front matter, one section per derivation, exercises, and the appendix.

Order, as a textbook chapter: how to read the notes, the notation table, the summary of
results, the contents; then the sections, each opening with its motivation (the gradient's
section continues with the data-set objective, the SGD section with a worked example, the
Hessian's with the separable-data caveat); then the exercises; then the appendix: the
lecture's errata, the numeric experiments, and how each step was checked.  Sections run on:
no section starts a page of its own.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from .checked import checked_section
from .document import HOW_TO_READ, Refs, Section, section
from .front import notation_section, summary_section
from .preamble import document

__all__ = ["lecture_notes", "references", "EXTRAS"]


def _extras() -> dict[str, Callable[[], str]]:
    from .chapter import dataset_objective, separable_caveat
    from .example import example_subsection

    return {"bce-gradient": dataset_objective, "sgd-update": example_subsection, "bce-hessian": separable_caveat}


#: Subsections that follow a derivation's proof (computed when the notes are written).
EXTRAS = _extras


def references(items: Sequence[Section]) -> Refs:
    """How the notes cite each derivation: "Theorem~\\ref{sec:NAME}"."""
    return {item.derivation.name: r"Theorem~\ref{sec:%s}" % item.derivation.name for item in items}


def _extra(name: str, extras: Mapping[str, Callable[[], str]]) -> str:
    make = extras.get(name)
    if make is None:
        return ""
    try:
        return make()
    except ImportError:   # the worked example needs numeric; the notes do without it
        return ""


def lecture_notes(items: Sequence[Section], appendices: Sequence[str] = (), exercises: str = "",
                  computed: Mapping[str, str] | None = None) -> str:
    """The lecture's derivations in one document.

    ``appendices`` are LaTeX sections (the errata, the numeric experiments) placed in the
    appendix before the table of how each step was checked; ``exercises`` closes the chapter.
    ``computed`` gives subsections already made elsewhere (the worked example, computed in a
    worker process so that this one never imports ``numeric``), by derivation name.
    """
    from .chapter import motivation

    refs = references(items)
    names = {item.derivation.name for item in items}
    extras = {k: v for k, v in EXTRAS().items() if k in names}
    extras.update({k: (lambda tex=tex: tex) for k, tex in (computed or {}).items() if k in names})
    front = ("\\subsection*{About these notes}\n"
             "These notes derive the results of the lecture \\emph{Logistic Regression \\& Neural Networks} as "
             "chains of small steps. The statements, the steps and the figures all come from the derivations of "
             "\\textsf{derive-toolkit}; every step was checked by machine. " + HOW_TO_READ + "\n\n"
             + notation_section() + "\n\n" + summary_section(refs) + "\n\n\\tableofcontents\n")
    defined: set[str] = set()
    body = "\n\n".join(section(item, refs=refs, motivation=motivation(item.derivation.name, item.derivation.summary),
                               extras=_extra(item.derivation.name, extras), defined=defined)
                       for item in items)
    tail = [exercises] if exercises else []
    tail.append("\\appendix")
    tail.extend(appendices)
    tail.append(checked_section(items))
    return document(front + "\n\n" + body + "\n\n" + "\n\n".join(tail), r"Logistic Regression \& Neural Networks",
                    r"The lecture's derivations, every step machine-checked", toc=True,
                    pdf_title=r"Logistic Regression \& Neural Networks: the derivations")
