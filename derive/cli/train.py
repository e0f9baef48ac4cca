"""``derive train logistic|softmax|lda|mlp --data PATH --target COLUMN``: fit a model on a table.

PATH is a CSV file, read into memory, or data read in row chunks and never held whole
(``numeric.load``): a .npy or .zarr array, a Parquet file or folder of them, or a CSV file
with ``--chunked`` (automatic above ``CHUNKED_CSV_BYTES``).  ``--scheduler`` runs the chunked
passes on a dask cluster.

The trainers live in the ``numeric`` package and are imported only when this command runs,
so ``derive`` itself never depends on it.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from typing import Any

from . import UsageError

MODELS = ("logistic", "softmax", "lda", "mlp")
_SOLVERS = {"logistic": ("newton", "lbfgs", "gd", "sgd"), "softmax": ("newton", "lbfgs", "gd", "sgd"),
            "mlp": ("lbfgs", "sgd"), "lda": ()}
#: A run shorter than this shows no progress bar at all.
_BAR_DELAY_SECONDS = 0.5
#: A CSV file larger than this is read in blocks, as with --chunked.
CHUNKED_CSV_BYTES = 512 * 2**20
#: Formats that are always read in row chunks.
_CHUNKED_SUFFIXES = (".npy", ".zarr", ".parquet")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train", help="train a model on a CSV file with the derived gradients",
        description="Fit logistic regression, softmax regression, Gaussian LDA or a one-hidden-layer "
                    "MLP to a CSV file (a header line, numeric feature columns, one label column). "
                    "Gradients and Hessians are generated from the verified derivations. Prints the "
                    "parameters, the final loss, the iteration count and the training accuracy.")
    p.add_argument("model", choices=MODELS, help="which model to fit")
    p.add_argument("--data", required=True, metavar="PATH",
                   help="the training data: FILE.csv, or, read in row chunks without holding it in memory, "
                        "FILE.npy, FILE.zarr, FILE.parquet or a folder of .parquet files")
    p.add_argument("--target", required=True, metavar="COLUMN",
                   help="the column holding the labels (for .npy/.zarr: its index, -1 for the last)")
    p.add_argument("--chunked", action="store_true",
                   help=f"read a CSV file in blocks, never whole (automatic above {CHUNKED_CSV_BYTES // 2**20} MiB); "
                        "logistic, softmax and lda only")
    p.add_argument("--chunk-mb", type=float, default=32.0, metavar="MB",
                   help="chunked data: MiB of features per row chunk (default 32)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="chunked data: run the passes on the dask cluster at ADDRESS (e.g. tcp://host:8786)")
    p.add_argument("--l2", type=float, default=None, metavar="λ",
                   help="penalty (λ/2)‖coef‖² on the mean loss (default 0; mlp: 1e-4); "
                        "scikit-learn's C = 1/(n·λ)")
    p.add_argument("--reg", type=float, default=0.0, metavar="r",
                   help="lda only: use the pooled covariance + r·I (for a singular covariance)")
    p.add_argument("--solver", default=None,
                   help="logistic/softmax: newton (default), lbfgs, gd, sgd; mlp: lbfgs (default), sgd")
    p.add_argument("--max-iter", type=int, default=None, metavar="N", help="iteration (epoch) limit")
    p.add_argument("--tol", type=float, default=None, help="stop when max|gradient| ≤ tol")
    p.add_argument("--hidden", type=int, default=8, metavar="M", help="mlp only: hidden units (default 8)")
    p.add_argument("--seed", type=int, default=0, help="seed of the sgd shuffles and the mlp's initial weights")
    p.add_argument("--json", action="store_true",
                   help="print {coef, intercept, loss, n_iter, converged, accuracy} (and classes, features) as JSON")
    p.add_argument("--summary", action="store_true",
                   help="logistic/softmax with l2=0: also print the maximum-likelihood results table "
                        "(standard errors, z, p-values, intervals)")
    p.set_defaults(handler=run_train)


def _check_options(args: argparse.Namespace) -> None:
    solvers = _SOLVERS[args.model]
    if args.solver is not None and args.solver not in solvers:
        allowed = ", ".join(solvers) if solvers else "none (it has a closed form)"
        raise UsageError(f"--solver {args.solver!r} does not apply to {args.model}; choose from {allowed}")
    if args.model == "lda" and args.l2 is not None:
        raise UsageError("lda has no l2 penalty (it is fitted in closed form); use --reg for a singular covariance")
    if args.model != "lda" and args.reg:
        raise UsageError("--reg applies to lda only")
    if args.l2 is not None and not args.l2 >= 0:
        raise UsageError(f"--l2 must be ≥ 0, got {args.l2}")
    if args.max_iter is not None and args.max_iter < 1:
        raise UsageError(f"--max-iter must be a positive integer, got {args.max_iter}")
    if args.tol is not None and not args.tol > 0:
        raise UsageError(f"--tol must be positive, got {args.tol}")
    if args.summary and (args.model not in ("logistic", "softmax") or args.l2):
        raise UsageError("--summary applies to logistic and softmax fitted with l2=0 (maximum likelihood): "
                         "a penalised estimate has no such standard errors")


def _estimator(args: argparse.Namespace):
    import numeric

    options: dict[str, Any] = {}
    if args.max_iter is not None:
        options["max_iter"] = args.max_iter
    if args.tol is not None:
        options["tol"] = args.tol
    if args.solver is not None:
        options["solver"] = args.solver
    if args.model == "lda":
        return numeric.GaussianLDA(reg=args.reg)
    if args.l2 is not None:
        options["l2"] = args.l2
    if args.model == "mlp":
        return numeric.MLPClassifier(hidden=args.hidden, seed=args.seed, **options)
    if options.get("solver") == "sgd":
        options["seed"] = args.seed
    cls = numeric.LogisticRegression if args.model == "logistic" else numeric.SoftmaxRegression
    return cls(**options)


def _progress_bar(model: Any, total: int | None):
    from tqdm import tqdm

    # disable=None: no bar when stderr is not a terminal (a log file, a pipe).
    bar = tqdm(total=total, desc=f"training {type(model).__name__}", unit="it", delay=_BAR_DELAY_SECONDS, disable=None,
               file=sys.stderr, leave=False, dynamic_ncols=True)

    def callback(iteration: int, loss: float) -> None:
        bar.update(iteration - bar.n)
        bar.set_postfix(loss=f"{loss:.6g}", refresh=False)

    return bar, callback


def _default_max_iter(model: Any) -> int | None:
    if getattr(model, "max_iter", None) is not None:
        return int(model.max_iter)
    return {"newton": 100, "lbfgs": 1000, "gd": 10_000, "sgd": 200}.get(getattr(model, "solver", ""))


def _parameters(model: Any) -> tuple[Any, Any]:
    if hasattr(model, "coefs_"):
        return [w.tolist() for w in model.coefs_], [b.tolist() for b in model.intercepts_]
    coef, intercept = model.coef_, model.intercept_
    return coef.tolist(), (intercept.tolist() if hasattr(intercept, "tolist") else float(intercept))


def _mean_log_loss(model: Any, X, y) -> float:
    """(1/n) Σ −log P(y_i | x_i): the mean cross-entropy of the fitted posterior (no penalty)."""
    import numpy as np

    def picked(P, labels):
        labels = np.ravel(labels)
        with np.errstate(divide="ignore"):
            return -np.log(P[np.arange(len(labels)), np.searchsorted(model.classes_, labels)])

    proba = model.predict_proba(X)
    if hasattr(proba, "map_blocks"):  # chunked: one lazy pass
        import dask.array as da

        return float(da.map_blocks(picked, proba, y[:, None], drop_axis=1, dtype=float).mean().compute())
    return float(np.mean(picked(proba, y)))


def _is_chunked(args: argparse.Namespace) -> bool:
    from pathlib import Path

    path = Path(args.data)
    if path.suffix.lower() in _CHUNKED_SUFFIXES or path.is_dir():
        return True
    return args.chunked or (path.is_file() and path.stat().st_size > CHUNKED_CSV_BYTES)


def _load(args: argparse.Namespace):
    """The table, in memory (CSV) or as row chunks (numeric.load), and whether it is chunked."""
    if not _is_chunked(args):
        if args.scheduler:
            raise UsageError("--scheduler applies to chunked data only (.npy, .zarr, .parquet, or --chunked)")
        from numeric.csvdata import load_csv

        return load_csv(args.data, args.target), False
    if args.model == "mlp":
        raise UsageError("mlp trains in memory only; chunked data works with logistic, softmax and lda")
    if not args.chunk_mb > 0:
        raise UsageError(f"--chunk-mb must be positive, got {args.chunk_mb}")
    from numeric.load import load_table

    return load_table(args.data, args.target, chunk_bytes=int(args.chunk_mb * 2**20)), True


def _connect(address: str | None):
    """A dask client for ``address`` (closed by the caller), or a no-op context without one."""
    import contextlib

    if not address:
        return contextlib.nullcontext()
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--scheduler needs dask's distributed: pip install 'derive-toolkit[dask]'") from None
    try:
        return Client(address, timeout="5s")
    except (OSError, TimeoutError) as exc:
        raise OSError(f"the dask scheduler at {address} does not answer ({type(exc).__name__}); "
                      "is it running, and is the address right?") from None


def _fit(args: argparse.Namespace, model, table) -> None:
    if args.model == "lda":
        model.fit(table.X, table.y)
        return
    bar, callback = _progress_bar(model, _default_max_iter(model))
    try:
        model.fit(table.X, table.y, callback=callback)
    finally:
        bar.close()


def run_train(args: argparse.Namespace) -> int:
    _check_options(args)
    table, chunked = _load(args)
    with _connect(args.scheduler):
        return _train(args, table, chunked)


def _train(args: argparse.Namespace, table, chunked: bool) -> int:
    model = _estimator(args)
    n_classes = 2 if chunked else len(set(table.y.tolist()))  # a chunked fit counts classes in its first pass
    if args.model == "logistic" and n_classes > 2:
        raise ValueError(f"{args.data}: column {args.target!r} has {n_classes} classes; logistic regression "
                         f"is for two: use 'derive train softmax'")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _fit(args, model, table)
            accuracy = float(model.score(table.X, table.y))
        except (ValueError, OSError) as exc:
            if not chunked:
                raise
            # Reading a chunk failed mid-pass (pyarrow, pandas): name the data, keep one line.
            raise ValueError(f"{args.data}: {str(exc).strip().splitlines()[0]}") from None
    loss = float(model.loss_) if hasattr(model, "loss_") else _mean_log_loss(model, table.X, table.y)
    coef, intercept = _parameters(model)
    result = {
        "coef": coef, "intercept": intercept, "loss": loss,
        "n_iter": int(getattr(model, "n_iter_", 0)), "converged": bool(getattr(model, "converged_", True)),
        "accuracy": accuracy,
        "classes": [c.item() if hasattr(c, "item") else c for c in model.classes_],
        "features": list(table.features),
    }
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    summary = model.summary(xnames=list(table.features), yname=args.target) if args.summary else None
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_report(args, table, model, result)
    if summary is not None:
        print(summary)
    return 0


def _print_report(args: argparse.Namespace, table, model, result: dict) -> None:
    import numpy as np

    n, d = table.X.shape
    print(f"{type(model).__name__} on {args.data}: {n} examples, {d} features, "
          f"target {args.target!r} with classes {result['classes']}")
    width = max(len(f) for f in (*table.features, "(intercept)"))
    if hasattr(model, "coefs_"):
        for name, value in (("W1", model.coefs_[0]), ("b1", model.intercepts_[0]),
                            ("W2", model.coefs_[1]), ("b2", model.intercepts_[1])):
            print(f"{name} {value.shape}:")
            print(np.array2string(value, precision=6, suppress_small=True, max_line_width=100))
    else:
        coef = np.atleast_2d(model.coef_)
        header = [f"{'feature':<{width}}"] + ([f"{'coef':>14}"] if coef.shape[0] == 1 else
                                              [f"{str(c):>14}" for c in result["classes"]])
        print("  ".join(header))
        for j, name in enumerate(table.features):
            print("  ".join([f"{name:<{width}}"] + [f"{v:14.6g}" for v in coef[:, j]]))
        intercept = np.atleast_1d(model.intercept_)
        print("  ".join([f"{'(intercept)':<{width}}"] + [f"{v:14.6g}" for v in intercept]))
    kind = "mean loss of the posterior" if args.model == "lda" else "final objective"
    print(f"{kind}: {result['loss']:.10g}")
    print(f"iterations: {result['n_iter']}  converged: {'yes' if result['converged'] else 'no'}")
    print(f"training accuracy: {result['accuracy']:.4f}")
