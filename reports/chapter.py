"""The words that make the derivations a chapter: why each section matters, and what follows it.

``MOTIVATION`` opens each section with the question it answers (a derivation this module does
not know opens with its own summary).  ``dataset_objective()`` and ``separable_caveat()`` are
the subsections that follow the gradient and the Hessian: the mean loss over a data set with its
batch gradient, and why "every stationary point is a global minimum" can come with no minimum at
all.  Their formulas are derive's constants, summed over examples by SymPy, never retyped.
"""

from __future__ import annotations

import sympy as sp

from derive import symbols as S

from .latex import LecturePrinter
from .names import names_for, named

__all__ = ["MOTIVATION", "motivation", "dataset_objective", "separable_caveat"]

MOTIVATION: dict[str, str] = {
    "lda-logistic": (
        "Why should a classifier be a sigmoid of a linear function? One answer comes from a model of how the "
        "data arise: if each class is Gaussian, with a covariance both classes share, Bayes' rule gives exactly "
        "that form. This is the generative road to logistic regression."),
    "lda-softmax": (
        "The same argument for K classes: Gaussian classes with a shared covariance give a posterior that is "
        "the softmax of K linear functions of x. The lecture's slip in the Gaussian normaliser does not change "
        "the posterior; part (ii) shows why."),
    "map-decision": (
        "Given the posterior, which class should we decide? Deciding the class with the largest posterior (MAP) "
        "makes the fewest mistakes: at every input, and so on average."),
    "logistic-geometry": (
        "What do the parameters mean? The weights θ are the normal of the decision boundary and point toward "
        "class 1; the bias θ₀ moves the boundary away from the origin."),
    "softmax-properties": (
        "Three facts about the softmax used below: adding a constant to every input changes nothing, two "
        "classes give back the sigmoid, and scaling the inputs up makes the output one-hot."),
    "sigmoid-derivative": (
        "Every gradient in this chapter passes through σ. Its derivative has the simple form σ(1 − σ), and the "
        "logit undoes σ."),
    "bernoulli-nll": (
        "To fit p = σ(z) to labels y ∈ {0, 1} we maximise the likelihood of the labels, that is, minimise its "
        "negative logarithm: the binary cross-entropy. Written in the logit z it is also the form a program "
        "should evaluate."),
    "bce-gradient": (
        "Training needs the gradient of the loss. We name the logit, the probability and the loss once and "
        "find that the gradient is the prediction error times the input."),
    "sgd-update": (
        "One step of stochastic gradient descent on one example: which way does it move θ? Toward x when the "
        "label is 1, away from x when it is 0, and further the more wrong the model was."),
    "bce-hessian": (
        "Is the minimum we find the best one? The Hessian of the loss is positive semi-definite, so the mean "
        "loss is convex; the Newton step uses the Hessian to jump to the minimum of a quadratic model."),
    "softmax-ce-gradient": (
        "For K classes the model outputs s = softmax(a). We need the Jacobian of the softmax and the gradient "
        "of the cross-entropy, which is again prediction minus label."),
    "mlp-backprop": (
        "A network with one tanh hidden layer computes h, then a, then s (figure-forward). "
        "Backpropagation applies the chain rule layer by layer: the error at the output, s − y, is carried back "
        "through W₂ and the derivative of tanh."),
}


def motivation(name: str, summary: str = "") -> str:
    """The opening words of a section (the derivation's summary when this module has none)."""
    return MOTIVATION.get(name, summary)


_P = LecturePrinter()


def _indexed(expr: sp.Basic, i: sp.Symbol) -> sp.Basic:
    """expr for example i: x → x_i, y → y_i (x_i a d-vector, y_i a scalar)."""
    return expr.xreplace({S.x: sp.MatrixSymbol("x_i", S.d, 1), S.y: sp.Symbol("y_i", real=True),
                          S.z: sp.Symbol("z_i", real=True), S.p: sp.Symbol("p_i", real=True)})


def dataset_objective() -> str:
    """The mean loss over n examples, its gradient, and the gradient as one matrix product."""
    from derive.derivations.bce_gradient import GRADIENT, GRADIENT_BIAS

    i, n = sp.Symbol("i", integer=True, positive=True), sp.Symbol("n", integer=True, positive=True)
    names = names_for("bce-gradient")
    grad_i = _P.doprint(_indexed(named(GRADIENT, names), i))
    bias_i = _P.doprint(_indexed(named(GRADIENT_BIAS, names), i))
    mean = r"\frac{1}{n} \sum_{i=1}^{n}"
    return "\n".join([
        r"\subsection*{From one example to a data set}",
        r"A data set holds $n$ examples $(\mathbf{x}_{i}, y_{i})$, the rows of the $n \times d$ matrix "
        r"$\mathbf{X}$ and the entries of $\mathbf{y}$. Fitting minimises the mean loss, whose gradient is "
        r"the mean of the gradients of Theorem~\ref{sec:bce-gradient}, each at its own $z_{i} = "
        r"\boldsymbol{\theta}^{\top}\mathbf{x}_{i} + \theta_{0}$ and $p_{i} = \sigma(z_{i})$:",
        r"\begin{align*}",
        r"J(\boldsymbol{\theta}, \theta_{0}) &= %s L_{i}, \\" % mean,
        r"\nabla_{\boldsymbol{\theta}} J &= %s %s = \frac{1}{n} \mathbf{X}^{\top}(\mathbf{p} - \mathbf{y}), \\"
        % (mean, grad_i),
        r"\frac{\partial J}{\partial \theta_{0}} &= %s \left(%s\right)." % (mean, bias_i),
        r"\end{align*}",
        r"The batch gradient is one matrix product, $\mathbf{X}^{\top}$ times the vector of prediction errors: "
        r"this is how the trainers of the toolkit evaluate it. With an $\ell_2$ penalty "
        r"$\tfrac{\lambda}{2}\lVert\boldsymbol{\theta}\rVert^{2}$ (the bias unpenalised) the gradient gains "
        r"$\lambda\boldsymbol{\theta}$. Stochastic gradient descent (Theorem~\ref{sec:sgd-update}) replaces the "
        r"mean by one example, or a small batch, drawn at random."])


def separable_caveat() -> str:
    """Convex does not mean a minimum exists: separable data."""
    return "\n".join([
        r"\subsection*{When there is no minimum: separable data}",
        r"Convexity says that every stationary point is a global minimum; it does not say that one exists. "
        r"If a hyperplane separates the classes, that is $y_{i} = 1$ exactly when "
        r"$\boldsymbol{\theta}^{\top}\mathbf{x}_{i} + \theta_{0} > 0$, then scaling $(\boldsymbol{\theta}, "
        r"\theta_{0})$ by $t > 1$ makes every $p_{i}$ more confident and lowers every $L_{i}$: the mean loss "
        r"decreases toward $0$ as $t \to \infty$ and no finite minimiser exists. Gradient descent then runs "
        r"$\lVert\boldsymbol{\theta}\rVert$ off to infinity. An $\ell_2$ penalty "
        r"$\tfrac{\lambda}{2}\lVert\boldsymbol{\theta}\rVert^{2}$ with $\lambda > 0$ makes the objective "
        r"strictly convex and restores a unique minimiser; the toolkit's trainers detect separable data and warn."])
