"""High-precision reference values for BG/NBD's P(alive) and expected purchases (mpmath, 40
digits): Fader, Hardie & Lee's (2005) closed forms as printed, eq. 10 with its Gauss
hypergeometric function, so the test compares against the textbook formula, not against a
rearrangement of it.

2F1(r+x, b+x; a+b+x-1; z) is its power series summed directly (0 <= z < 1: the terms are
eventually geometric) when that takes at most ``QUICK_TERMS`` terms, else mpmath's ``hyp2f1``
(with its transformations; it raises rather than lose precision), else the series again up to
``DIRECT_TERMS`` terms; None if all three give up (a few huge-parameter cases near z = 1).
Where eq. 10 divides 0 by 0 (a = 1, or a + b + x = 1 where the 2F1 has a pole) the value is the
mean of the two sides at +-1e-30 (with 40 more digits to spare for the cancellation), exact to
far more than double precision.
"""

from __future__ import annotations

import mpmath as mp

DPS = 40
QUICK_TERMS, DIRECT_TERMS = 20_000, 100_000
_NEAR = mp.mpf("1e-20")
_STEP = mp.mpf("1e-30")


def _hyp2f1_direct(A, B, C, z, max_terms: int):
    """The power series of 2F1(A, B; C; z) until the rest is below 10^-(DPS+5) of the sum
    (bounded geometrically once the term ratio is below 1), or None."""
    total = term = mp.mpf(1)
    tiny = mp.mpf(10) ** (-DPS - 5)
    for n in range(max_terms):
        term *= (A + n) * (B + n) / ((C + n) * (n + 1)) * z
        total += term
        ratio = abs((A + n + 1) * (B + n + 1) / ((C + n + 1) * (n + 2)) * z)
        if ratio < 1 and abs(term) * ratio / (1 - ratio) < tiny * abs(total):
            return total
    return None


def _eq10(r, alpha, a, b, x, T, t):
    """(a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)]."""
    k, c, z = r + x, a + b + x - 1, t / (alpha + T + t)
    f = _hyp2f1_direct(k, b + x, c, z, QUICK_TERMS)
    if f is None:
        try:  # with a bounded effort: it raises rather than return an inaccurate value
            f = mp.hyp2f1(k, b + x, c, z, maxterms=2000, maxprec=4 * mp.mp.prec)
        except (mp.libmp.NoConvergence, ValueError):
            f = _hyp2f1_direct(k, b + x, c, z, DIRECT_TERMS)
            if f is None:
                return None
    return c / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** k * f)


def alive_purchases(r: float, alpha: float, a: float, b: float, x: float, T: float,
                    t: float) -> float | None:
    """E[purchases in (T, T+t] | active at T], or None when mpmath cannot evaluate it."""
    with mp.workdps(DPS):
        r, alpha, a, b, x, T, t = (mp.mpf(v) for v in (r, alpha, a, b, x, T, t))
        if t == 0:
            return 0.0
        if abs(a + b + x - 1) < _NEAR or abs(a - 1) < _NEAR:
            with mp.workdps(DPS + 40):
                if abs(a + b + x - 1) < _NEAR:
                    sides = [_eq10(r, alpha, a, b + d, x, T, t) for d in (-_STEP, _STEP)]
                else:
                    sides = [_eq10(r, alpha, a + d, b, x, T, t) for d in (-_STEP, _STEP)]
        else:
            sides = [_eq10(r, alpha, a, b, x, T, t)]
        if any(v is None for v in sides):
            return None
        return float(mp.fsum(sides) / len(sides))


def probability_alive(r: float, alpha: float, a: float, b: float, x: float, tx: float,
                      T: float) -> float:
    """1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) (FHL 2008 note, eq. 4)."""
    if x == 0:
        return 1.0
    with mp.workdps(DPS):
        r, alpha, a, b, x, tx, T = (mp.mpf(v) for v in (r, alpha, a, b, x, tx, T))
        return float(1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x)))


def constant_dropout_purchases(r: float, alpha: float, p: float, x: float, T: float,
                               t: float) -> float:
    """(1 - (1 + p t/(alpha+T))^-(r+x)) / p: one dropout probability p for all."""
    with mp.workdps(DPS):
        r, alpha, p, x, T, t = (mp.mpf(v) for v in (r, alpha, p, x, T, t))
        s = t / (alpha + T)
        return float((r + x) * s if p == 0 else (1 - (1 + p * s) ** -(r + x)) / p)
