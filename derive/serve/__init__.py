"""``derive serve``: the answer checker as a local web app, for students and instructors.

One idea per module:

* ``app``      the Starlette app: routes, error handlers, startup (warm keys, fork workers, open gradebook)
* ``api``      the JSON API: targets, variant, preview, check, grade, the Gradescope zip
* ``pages``    the student page ``/`` and the class page ``/class`` (Jinja2, autoescaped)
* ``preview``  how an answer was read: text, LaTeX and generated MathML, or the caret error
* ``pool``     worker processes with a hard time limit (kill and replace on overrun)
* ``limits``   body and answer caps, the shared token, JSON errors
* ``plot``     the verdicts-per-target figure (matplotlib SVG)
* ``demo``     ``make demo``'s step: start, check one answer through the API, stop

The gradebook is ``derive.gradebook``; notebook display is ``derive.display``.
"""

from .app import ServeConfig, create_app

__all__ = ["ServeConfig", "create_app"]
