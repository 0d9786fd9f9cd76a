"""The maximum-likelihood machinery the CLV models share: input checks that name the field and
row, folding identical rows into weighted ones, and a bounded search in log-parameters with its
boundary and convergence checks.

>>> [a.tolist() for a in checked_summaries([0, 2], [0, 3.5], [4, 6])]
[[0.0, 2.0], [0.0, 3.5], [4.0, 6.0], [1.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

Array = NDArray[np.float64]

LOG_BOUND = 20.0  # the search stays within exp(±20)
LOG_LIMIT = 15.0  # a fit beyond exp(±15) is a boundary solution, reported as an error
LOG_DRIFT = 10.0  # ... and so is a search stopped beyond exp(±10) short of a maximum
GTOL_ACCEPT = 1e-6  # largest gradient of the mean log-likelihood (log-parameters) at a fit


# --- input checks -------------------------------------------------------------------------


def column(name: str, values: ArrayLike) -> Array:
    """A finite, non-negative float array, or a ValueError naming the field and row."""
    array = np.asarray(values, dtype=np.float64)
    flat = array.reshape(-1)
    bad = ~np.isfinite(flat)
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(f"{name}: row {row} is {flat[row]!r}; values must be finite numbers")
    if (flat < 0).any():
        row = int(np.argmax(flat < 0))
        raise ValueError(f"{name}: row {row} is {flat[row]!r}; values must be >= 0")
    return array


def first_row(mask: Array) -> int:
    return int(np.argmax(mask.reshape(-1)))


def summaries(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> tuple[Array, ...]:
    """Checked and broadcast (x, t_x, T): x whole, t_x <= T, t_x = 0 when x = 0."""
    x, tx, t_end = column("frequency", frequency), column("recency", recency), column("T", T)
    try:
        x, tx, t_end = np.broadcast_arrays(x, tx, t_end)
    except ValueError:
        raise ValueError(f"frequency, recency and T have mismatched shapes "
                         f"{np.shape(frequency)}, {np.shape(recency)}, {np.shape(T)}") from None
    checks = (
        (x != np.round(x), "frequency: row {} is not a whole number of purchases"),
        (tx > t_end * (1 + 1e-12), "recency: row {} is greater than T"),
        ((x == 0) & (tx > 0), "recency: row {} is > 0 although frequency is 0"),
    )
    for mask, message in checks:
        if mask.any():
            raise ValueError(message.format(first_row(mask)))
    return x, tx, t_end


def checked_summaries(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
                      weights: ArrayLike | None = None) -> tuple[Array, Array, Array, Array]:
    """(x, t_x, T, weights) as flat float arrays after the fits' input checks (ValueError
    naming the field and row otherwise).

    >>> [a.tolist() for a in checked_summaries([0, 2], [0, 3.5], [4, 6])]
    [[0.0, 2.0], [0.0, 3.5], [4.0, 6.0], [1.0, 1.0]]
    """
    x, tx, t_end = flat_rows(frequency=frequency, recency=recency, T=T)
    x, tx, t_end = summaries(x, tx, t_end)
    return x, tx, t_end, weights_of(weights, x.size)


def weights_of(weights: ArrayLike | None, n: int) -> Array:
    if weights is None:
        return np.ones(n)
    w = column("weights", weights).reshape(-1)
    if w.size != n:
        raise ValueError(f"weights: {w.size} values for {n} customers")
    return w


def flat_rows(**columns: ArrayLike) -> tuple[Array, ...]:
    """1-D columns of one length, or a ValueError naming the lengths."""
    arrays = tuple(np.asarray(c, dtype=np.float64).reshape(-1) for c in columns.values())
    lengths = {name: a.size for name, a in zip(columns, arrays, strict=True)}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"mismatched lengths: {lengths}")
    return arrays


# --- compression --------------------------------------------------------------------------


def compress(*columns: Array, weights: Array | None = None) -> tuple[tuple[Array, ...], Array,
                                                                    NDArray[np.intp]]:
    """Distinct rows of ``columns``, their summed weights (counts when ``weights`` is None) and
    the index of each input row's distinct row -- what ``np.unique(axis=0, return_inverse=True,
    return_counts=True)`` gives, by one lexsort (about 10 times faster on a million rows).

    >>> rows, counts, inverse = compress(np.array([1.0, 0, 1]), np.array([2.0, 0, 2]))
    >>> rows, counts.tolist(), inverse.tolist()
    ((array([0., 1.]), array([0., 2.])), [1.0, 2.0], [1, 0, 1])
    """
    n = columns[0].size
    order = np.lexsort(columns[::-1])
    ordered = [c[order] for c in columns]
    new = np.ones(n, dtype=bool)  # first row of each run of equal rows
    if n > 1:
        new[1:] = np.logical_or.reduce([c[1:] != c[:-1] for c in ordered])
    group = np.cumsum(new) - 1
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = group
    w = None if weights is None else weights[order]
    summed = np.bincount(group, weights=w, minlength=int(group[-1]) + 1 if n else 0)
    return tuple(c[new] for c in ordered), summed.astype(np.float64), inverse


def prepare(columns: Sequence[Array], weights: Array, fold: bool) -> tuple[tuple[Array, ...],
                                                                            Array]:
    """Fold identical rows (optional) and drop zero-weight rows."""
    if fold:
        columns, weights, _ = compress(*columns, weights=weights)
    keep = weights > 0
    return tuple(c[keep] for c in columns), weights[keep]


# --- optimisation -------------------------------------------------------------------------


@dataclass(frozen=True)
class Optimum:
    """Where the search stopped: log-parameters, full log-likelihood, whether the gradient
    vanished there, and the optimiser's own message."""

    theta: Array
    log_likelihood: float
    converged: bool
    message: str


def maximise(loglik: Callable[[Array], tuple[Array, Array]], start: Array,
              weights: Array) -> Optimum:
    """Maximise sum(weights * loglik) over log-parameters with analytic gradients: SLSQP within
    exp(±20), then Newton steps. (Not L-BFGS-B: its tiny multithreaded BLAS calls ran 10-20x
    slower on a 2-core machine whenever another process held a core.)

    ``loglik(theta)`` returns the per-row log-likelihood and its gradient (rows x params)."""
    total = float(weights.sum())

    def negative_mean(theta: Array) -> tuple[float, Array]:
        with np.errstate(all="ignore"):
            ll, grad = loglik(theta)
            value, gradient = -(weights @ ll) / total, -(weights @ grad) / total
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return 1e300, np.zeros_like(theta)  # outside the usable region: push back
        return float(value), gradient

    bounds = [(-LOG_BOUND, LOG_BOUND)] * start.size
    result = optimize.minimize(negative_mean, start, jac=True, method="SLSQP", bounds=bounds,
                               options={"ftol": 1e-15, "maxiter": 1000})
    theta, grad = newton_polish(lambda th: negative_mean(th)[1], result.x,
                                 negative_mean(result.x)[1])
    value = negative_mean(theta)[0]
    converged = value < 1e300 and np.max(np.abs(grad)) <= GTOL_ACCEPT
    return Optimum(theta, -value * total, bool(converged), str(result.message))


def interior(optimum: Optimum, model: str, names: Sequence[str],
              free: Sequence[bool] | None = None) -> Array:
    """The parameters, or a ValueError when the search ran to the edge of the space or did not
    converge. A log-parameter far from 0 means a boundary solution (e.g. no spread between
    customers): the likelihood keeps rising towards infinity and the optimiser stops on the
    way. ``free`` leaves out parameters whose boundary the caller handles itself."""
    theta = optimum.theta
    checked = np.ones(theta.size, bool) if free is None else ~np.asarray(free)
    limit = LOG_LIMIT if optimum.converged else LOG_DRIFT
    if np.max(np.abs(theta[checked]), initial=0.0) > limit:
        shown = ", ".join(f"{n} {v:.3g}" for n, v in zip(names, np.exp(theta), strict=True))
        raise ValueError(f"{model}: no maximum inside the parameter space ({shown}); the data "
                         "do not identify the model (too few customers or too uniform "
                         "purchases)")
    if not optimum.converged:
        raise ValueError(f"{model}: the likelihood could not be maximised ({optimum.message}); "
                         "check the data's time unit and that it has enough repeat buyers")
    return np.exp(theta)


def newton_polish(gradient: Callable[[Array], Array], theta: Array, grad: Array,
                   steps: int = 4) -> tuple[Array, Array]:
    """A few Newton steps on the gradient (Hessian by central differences of the analytic
    gradient): the optimiser stops once the objective stops changing in floating point, which on
    a flat ridge (Gamma-Gamma's p and v) can leave the parameters off in the 7th digit."""
    h = 1e-5
    for _ in range(steps):
        if np.max(np.abs(grad)) < 1e-12:
            break
        eye = np.eye(theta.size) * h
        hessian = np.array([(gradient(theta + e) - gradient(theta - e)) / (2 * h) for e in eye])
        hessian = (hessian + hessian.T) / 2
        try:
            step = np.linalg.solve(hessian, -grad)
        except np.linalg.LinAlgError:
            break
        candidate = theta + step
        new_grad = gradient(candidate)
        if not (np.all(np.isfinite(new_grad)) and np.max(np.abs(new_grad)) < np.max(np.abs(grad))
                and np.max(np.abs(step)) < 0.1):
            break
        theta, grad = candidate, new_grad
    return theta, grad




@dataclass(frozen=True)
class Levels:
    """A column as its distinct values and each row's index into them: functions of one column
    (gammaln of r + x, log of alpha + T, ...) are evaluated once per distinct value."""

    values: Array
    index: NDArray[np.intp]

    @classmethod
    def of(cls, column: Array) -> Levels:
        values, index = np.unique(column, return_inverse=True)
        return cls(values, index.reshape(-1))
