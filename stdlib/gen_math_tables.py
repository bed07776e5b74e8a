#!/usr/bin/env python3
"""Writes stdlib/math_tables.smpc: the polynomial coefficients that
stdlib/math.smpc evaluates on secret values. Every table is derived here
from the function it approximates, so this script is the one place the
numbers come from; `--check` (run by ctest) fails when the committed file
differs from what it would write.

Pieces: for the piecewise functions (sigmoid, tanh, exp, exp2) the input is
cut at consecutive integers lo, lo+1, ..., hi; row 0 is the piece below lo,
row k (1..hi-lo) the piece [lo+k-1, lo+k), and the last row the piece at or
above hi. Each row holds the coefficients of a polynomial in the centred
variable t = u - (left end + 1/2) in [-1/2, 1/2), scaled by 2^S (the outer
rows are constants: the value the function saturates to). For the functions
on a normalised mantissa (log, sqrt, invsqrt, recip) one polynomial in
t = m - 3/2, m in [1, 2), serves every input.

Coefficients are Chebyshev interpolants (near-minimax) in double precision;
pure Python, no dependencies.

usage: gen_math_tables.py [--check] [--report]"""
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "math_tables.smpc")
FRAC = 16  # the fixed-point fraction bits math.smpc is designed for


def cheb_fit(f, a, b, deg):
    """Monomial coefficients, in t = x - (a+b)/2, of the Chebyshev
    interpolant of f on [a, b]."""
    n = deg + 1
    mid, half = (a + b) / 2, (b - a) / 2
    nodes = [mid + half * math.cos(math.pi * (i + 0.5) / n) for i in range(n)]
    rows = [[(x - mid) ** j for j in range(n)] + [f(x)] for x in nodes]
    for c in range(n):  # Gauss-Jordan with partial pivoting
        p = max(range(c, n), key=lambda r: abs(rows[r][c]))
        rows[c], rows[p] = rows[p], rows[c]
        for r in range(n):
            if r != c:
                k = rows[r][c] / rows[c][c]
                rows[r] = [x - k * y for x, y in zip(rows[r], rows[c])]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def max_err(f, coef, a, b, rel=False):
    mid, worst = (a + b) / 2, 0.0
    for i in range(1001):
        x = a + (b - a) * i / 1000
        p = sum(c * (x - mid) ** j for j, c in enumerate(coef))
        e = abs(p - f(x))
        if rel:
            e /= abs(f(x))
        worst = max(worst, e)
    return worst


def fix_literal(v):
    """The nearest multiple of 2^-16, printed exactly (it has at most 16
    decimals), so the compiler reads back the intended value."""
    raw = round(v * (1 << FRAC))
    sign = "-" if raw < 0 else ""
    whole, frac = divmod(abs(raw), 1 << FRAC)
    digits = ("%.16f" % (frac / (1 << FRAC)))[2:].rstrip("0") or "0"
    return f"{sign}{whole}.{digits}"


class Pieces:
    """A piecewise polynomial on unit pieces of u = x * xscale."""

    def __init__(self, name, f, lo, hi, deg, scale_bits, xscale, below, above, rel=False,
                 raw=False):
        self.name, self.f, self.lo, self.hi, self.deg, self.rel = name, f, lo, hi, deg, rel
        self.raw = raw  # integer table of coefficients x 2^(16+S)
        self.S, self.xscale, self.below, self.above = scale_bits, xscale, below, above

    def rows(self):
        s = 2.0 ** self.S
        out = [[self.below * s] + [0.0] * self.deg]
        self.worst = 0.0
        for k in range(self.lo, self.hi):
            g = lambda u: self.f(u / self.xscale)
            c = cheb_fit(g, k, k + 1, self.deg)
            self.worst = max(self.worst, max_err(g, c, k, k + 1, self.rel))
            out.append([v * s for v in c])
        out.append([self.above * s] + [0.0] * self.deg)
        return out


PIECES = [
    # name, f, lo, hi, degree, S, u = x * xscale, value below lo, at/above hi
    Pieces("sigmoid", lambda x: 1 / (1 + math.exp(-x)), -12, 12, 4, 8, 1, 0.0, 1.0, raw=True),
    Pieces("tanh", math.tanh, -14, 14, 5, 8, 2, -1.0, 1.0, raw=True),
    Pieces("exp", math.exp, -12, 15, 5, 8, 1, 0.0, math.exp(15), rel=True),
    Pieces("exp2", lambda x: 2.0 ** x, -17, 22, 5, 7, 1, 0.0, 2.0 ** 22, rel=True),
]

# Polynomials of degree 8 in t = m - 3/2 for m in [1, 2): name, f(m), S,
# error relative to f, and for the logarithms the coefficient of the
# exponent j (log_b 2), appended as a last entry.
MANTISSA = [
    ("log2", math.log2, 12, False, 1.0),
    ("log", math.log, 12, False, math.log(2)),
    ("log10", math.log10, 12, False, math.log10(2)),
    ("sqrt", math.sqrt, 8, True, None),
    ("invsqrt", lambda m: 1 / math.sqrt(m), 7, True, None),
    ("recip", lambda m: 1 / m, 12, True, None),
]
MANTISSA_DEGREE = 8

# Per-piece scales of the roots and the reciprocal, x 2^S'. Piece p of x is
# the number of edges 2^-16, 2^-15, ... at or below x: exponent j = p - 17.
# name, S', number of pieces, value of piece p.
SCALES = [
    ("sqrt", 6, 47, lambda p: 0.0 if p == 0 else 2.0 ** ((p - 17) / 2)),
    ("invsqrt", 14, 47, lambda p: 2.0 ** 8 if p == 0 else 2.0 ** (-(p - 17) / 2)),
    ("recip", 0, 34, lambda p: 2.0 ** 16 if p == 0 else 0.0 if p == 33 else 2.0 ** -(p - 17)),
]


def matrix_literal(rows, raw=False):
    lit = (lambda v: str(round(v * (1 << FRAC)))) if raw else fix_literal
    return "[\n" + ",\n".join(
        "    [" + ", ".join(lit(v) for v in r) + "]" for r in rows) + "\n  ]"


def vector_literal(v):
    return "[" + ", ".join(fix_literal(x) for x in v) + "]"


def generate(report):
    out = [
        "// math_tables.smpc - GENERATED by stdlib/gen_math_tables.py; do not edit.",
        "// Polynomial coefficients for stdlib/math.smpc (16 fractional bits).",
        "",
    ]
    for p in PIECES:
        rows = p.rows()
        if report:
            print(f"{p.name}: {len(rows)} pieces, degree {p.deg}, approximation error "
                  f"{p.worst / 2 ** -FRAC:.3f} units{' relative' if p.rel else ''}")
        scale = f"integers: coefficients x 2^{FRAC + p.S}" if p.raw else f"coefficients x 2^{p.S}"
        out.append(f"// {p.name}: pieces of u = {p.xscale} x cut at {p.lo}..{p.hi}, "
                   f"degree {p.deg}, {scale}.")
        elem = "int" if p.raw else "fix"
        out.append(f"fn _{p.name}_pieces() -> {elem}[{len(rows)}, {p.deg + 1}] {{")
        out.append(f"  return {matrix_literal(rows, p.raw)};")
        out.append("}")
        out.append("")
    for name, f, S, rel, jcoef in MANTISSA:
        c = cheb_fit(f, 1.0, 2.0, MANTISSA_DEGREE)
        if report:
            print(f"{name}: degree {MANTISSA_DEGREE}, approximation error "
                  f"{max_err(f, c, 1.0, 2.0, rel) / 2 ** -FRAC:.3f} units{' relative' if rel else ''}")
        c = [v * 2.0 ** S for v in c]
        what = f"{name}(m) for m in [1, 2), in t = m - 3/2, x 2^{S}"
        if jcoef is not None:
            c.append(jcoef * 2.0 ** S)
            what += "; last: the coefficient of the exponent"
        out.append(f"// {what}.")
        out.append(f"fn _{name}_poly() -> fix[{len(c)}] {{")
        out.append(f"  return {vector_literal(c)};")
        out.append("}")
        out.append("")
    for name, S, n, v in SCALES:
        vals = [v(p) * 2.0 ** S for p in range(n)]
        out.append(f"// {name}: scale of piece p (exponent p - 17) x 2^{S}.")
        out.append(f"fn _{name}_scales() -> fix[{n}] {{")
        out.append(f"  return {vector_literal(vals)};")
        out.append("}")
        out.append("")
    return "\n".join(out)


def main():
    text = generate("--report" in sys.argv)
    if "--check" in sys.argv:
        with open(OUT) as fh:
            if fh.read() != text:
                sys.exit(f"{OUT} is stale; run python3 {sys.argv[0]}")
        print("math_tables.smpc is up to date")
        return
    with open(OUT, "w") as fh:
        fh.write(text)


if __name__ == "__main__":
    main()
