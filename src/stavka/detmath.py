"""Deterministic (bit-reproducible) float64 transcendental functions.

numpy's ``exp``/``log``/``expm1``/``log1p``/``power`` and scipy's ``ndtri`` dispatch to
CPU-specific kernels (glibc/SVML/AVX-512/NEON code paths) whose last bits differ
between machines.  Every function here is built only from IEEE-754 operations
that are *correctly rounded* and therefore identical on every conforming machine:
``+ - * /`` and ``sqrt`` on float64 arrays (each a separate ufunc call, so no FMA
contraction), comparisons, integer and bit operations on ``uint64``/``int64`` views,
table look-ups by integer index, and selections.  No libm call, no ``np.exp``/
``np.log``, no reduction is used.  Results are therefore bit-identical on x86-64
with or without AVX2/AVX-512, on arm64, and for every numpy >= 2.1 (as long as
the FPU runs in the default IEEE mode: round-to-nearest, no flush-to-zero).

Public functions (all vectorised; see each docstring):

=======  ============================  ==================  ======================
name     meaning                       max error (exact)   max diff from ``math``
=======  ============================  ==================  ======================
exp      e**x                          0.509 ulp           1 ulp (math.exp)
expm1    e**x - 1                      0.595 ulp           1 ulp (math.expm1)
log      natural logarithm             0.511 ulp           1 ulp (math.log)
log1p    log(1 + x)                    0.512 ulp           1 ulp (math.log1p)
power    x**y                          0.513 ulp           1 ulp (math.pow)
ndtri    inverse standard normal CDF   ~6 ulp (AS 241)     rel. 1.1e-15 (scipy)
=======  ============================  ==================  ======================

"max error (exact)" is the largest error measured against 40-digit ``decimal``
values on ~10**5 seeded points per function; "max diff" is the largest
difference from CPython's ``math`` (glibc; whose own expm1/log1p errors reach
0.75-0.83 ulp) or, for ndtri, the relative difference from
``scipy.special.ndtri``, over 2*10**5 seeded points per function spread over the
whole domain including subnormals (``tests/test_detmath.py`` checks these).

Input/output convention (mirrors numpy ufuncs): each function accepts a Python
float/int, a numpy scalar or an array of any shape; the argument is converted
to float64 (complex input raises ``TypeError``).  Array input returns a new
float64 ``np.ndarray`` of the same shape; scalar or 0-d input returns
``np.float64``.  Inputs are never modified.  No warnings are emitted and no
exceptions are raised for nan/inf/out-of-domain values: they follow C99/numpy
semantics (see each function).

Methods
-------
exp:   Cody-Waite/Tang table method.  x = (64*m + j) * ln2/64 + r with
       |r| <= ln2/128 (ln2/64 split into a 35-bit head and a tail so that
       k * head is exact), e**x = 2**m * 2**(j/64) * e**r, e**r - 1 by its
       Taylor polynomial of degree 6 (truncation < 3e-20 relative), 2**(j/64)
       from a 64-entry table stored as head + relative tail.  Results in the
       subnormal range are rounded once (no double rounding).
log:   x = 2**k * z, z in [sqrt(1/2), sqrt(2)); a 257-entry table gives for the
       sub-interval of z an invc (9 significant bits, ~1/z) and -log(invc) as
       head + tail; r = z*invc - 1 is computed exactly (z split into 44 + 9
       bits, so every product is exact), |r| < 2**-8; log(1 + r) by its
       Taylor series (through r**7, or through r**8 with r**2/2 split exactly
       for the double-double variant used by power); k*ln2 - log(invc) + r is
       summed in double-double.
log1p: 1 + x is formed exactly as a double-double (Knuth's TwoSum) and fed to
       the double-double logarithm.
expm1: |x| < 1/8: Taylor series through x**11 with the leading x added last;
       otherwise the exp reduction with (2**m * 2**(j/64) - 1) formed exactly
       by TwoSum.
power: exp(y * log x) where log x is the double-double logarithm, the product
       y * log x is formed as a double-double with Dekker's exact product
       (operands split by masking mantissa bits, not by FMA), and the exp
       reduction absorbs the low part; the error bound holds for the whole
       range of y * log x.
ndtri: Wichura's algorithm AS 241 (PPND16), M. J. Wichura, "Algorithm AS 241:
       The Percentage Points of the Normal Distribution", Applied Statistics
       37(3), 477-484 (1988), with the published coefficients (about 1e-16
       relative accuracy); it needs only ``log`` (this module's) and ``sqrt``.

Sources of constants
--------------------
* Taylor coefficients 1/n! and (-1)**(n+1)/n are written as ``1 / n`` etc. and
  evaluated by Python's correctly rounded float division at import.
* ``_EXP_TABLE_HEX``, ``_LOG_TABLE_HEX``, ``_INVLN2N``, ``_L2H``/``_L2L``,
  ``_LN2_HI``/``_LN2_LO`` were generated with Python's ``decimal`` module at 60
  digits (correctly rounded ``exp``/``ln``) and are stored as exact hexadecimal
  float literals; ``tests/test_detmath.py::test_tables_match_decimal`` re-derives
  every entry.  Heads that must make a sum exact are rounded to a multiple of
  2**-42 (so ``k * head + table_head`` is exact for every exponent k).
* AS 241 coefficients are Wichura's published values (checked in the tests with
  the paper's "hash sums" of the mantissas).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["exp", "expm1", "log", "log1p", "ndtri", "power"]

F64 = np.float64
U64 = np.uint64
FloatArray = NDArray[np.float64]

_INF = float("inf")
_NAN = float("nan")
_TINY = 2.2250738585072014e-308  # smallest positive normal, 2**-1022
_MAX = 1.7976931348623157e308  # largest finite double
_TWO54 = 18014398509481984.0  # 2**54, lifts subnormals into the normal range
_TWOM1022 = 2.2250738585072014e-308  # 2**-1022
_SIGN = 0x8000000000000000

# Keep sign, exponent and the top 25 stored mantissa bits (26 significant bits);
# used to split a double into an exact 26-bit head and a tail (Dekker products).
_MASK26 = 0xFFFFFFFFF8000000
# Keep 44 significant bits (clear the low 9 mantissa bits).
_MASK44 = 0xFFFFFFFFFFFFFE00


# --------------------------------------------------------------------------------------
# exp tables and constants
# --------------------------------------------------------------------------------------
# Entry j: (RN(2**(j/64)), RN(2**(j/64) / RN(2**(j/64)) - 1)), i.e. head and relative tail.
_EXP_TABLE_HEX = (
    ("0x1.0000000000000p+0", "0x0.0p+0"),
    ("0x1.02c9a3e778061p+0", "-0x1.160139cd8dc5dp-56"),
    ("0x1.059b0d3158574p+0", "0x1.cd2523567f613p-55"),
    ("0x1.0874518759bc8p+0", "0x1.0f74e61e6c861p-57"),
    ("0x1.0b5586cf9890fp+0", "0x1.79aa65d837b6dp-54"),
    ("0x1.0e3ec32d3d1a2p+0", "0x1.ebe3d702f9cd1p-60"),
    ("0x1.11301d0125b51p+0", "-0x1.556522a2fbd0ep-54"),
    ("0x1.1429aaea92de0p+0", "-0x1.1c923b9d5f416p-54"),
    ("0x1.172b83c7d517bp+0", "-0x1.01b15eaa59348p-55"),
    ("0x1.1a35beb6fcb75p+0", "0x1.b898c3f1353bfp-55"),
    ("0x1.1d4873168b9aap+0", "0x1.aecf73e3a2f60p-54"),
    ("0x1.2063b88628cd6p+0", "0x1.a6f4144a6c38dp-55"),
    ("0x1.2387a6e756238p+0", "0x1.68efde3a8a894p-54"),
    ("0x1.26b4565e27cddp+0", "0x1.0472b981fe7f2p-55"),
    ("0x1.29e9df51fdee1p+0", "0x1.2f7e16d09ab31p-55"),
    ("0x1.2d285a6e4030bp+0", "0x1.b3782720c0ab4p-55"),
    ("0x1.306fe0a31b715p+0", "0x1.34d754db0abb6p-55"),
    ("0x1.33c08b26416ffp+0", "0x1.fdd395dd3f84ap-55"),
    ("0x1.371a7373aa9cbp+0", "-0x1.24aedcc4b5068p-54"),
    ("0x1.3a7db34e59ff7p+0", "-0x1.1d1e83e9436d2p-56"),
    ("0x1.3dea64c123422p+0", "0x1.59f48a72a4c6dp-55"),
    ("0x1.4160a21f72e2ap+0", "-0x1.8a78f4817895bp-58"),
    ("0x1.44e086061892dp+0", "0x1.363ed60c2ac11p-59"),
    ("0x1.486a2b5c13cd0p+0", "0x1.ecce1daa10379p-57"),
    ("0x1.4bfdad5362a27p+0", "0x1.690cebb7aafb0p-56"),
    ("0x1.4f9b2769d2ca7p+0", "-0x1.f94340071a38ep-55"),
    ("0x1.5342b569d4f82p+0", "-0x1.8dec6bd0f385fp-56"),
    ("0x1.56f4736b527dap+0", "0x1.3350518fdd78ep-54"),
    ("0x1.5ab07dd485429p+0", "0x1.063e1e21c5409p-54"),
    ("0x1.5e76f15ad2148p+0", "0x1.432e62b64c035p-54"),
    ("0x1.6247eb03a5585p+0", "-0x1.c33c53bef4da8p-55"),
    ("0x1.6623882552225p+0", "-0x1.3cedd78565858p-54"),
    ("0x1.6a09e667f3bcdp+0", "-0x1.3b3efbf5e2228p-54"),
    ("0x1.6dfb23c651a2fp+0", "-0x1.367efb86da9eep-57"),
    ("0x1.71f75e8ec5f74p+0", "-0x1.81f647e5a3ecfp-56"),
    ("0x1.75feb564267c9p+0", "-0x1.619321e55e68ap-55"),
    ("0x1.7a11473eb0187p+0", "-0x1.b32dcb94da51dp-56"),
    ("0x1.7e2f336cf4e62p+0", "0x1.5ebe1abd66c55p-57"),
    ("0x1.82589994cce13p+0", "-0x1.369b6f13b3734p-54"),
    ("0x1.868d99b4492edp+0", "-0x1.4d450d872576ep-54"),
    ("0x1.8ace5422aa0dbp+0", "0x1.db72fc1f0eab4p-55"),
    ("0x1.8f1ae99157736p+0", "0x1.bf68359f35f44p-56"),
    ("0x1.93737b0cdc5e5p+0", "-0x1.da9b88b6c1e29p-58"),
    ("0x1.97d829fde4e50p+0", "-0x1.2434322f4f9aap-54"),
    ("0x1.9c49182a3f090p+0", "0x1.1affc2b91ce27p-56"),
    ("0x1.a0c667b5de565p+0", "-0x1.7c50422622263p-55"),
    ("0x1.a5503b23e255dp+0", "-0x1.1bbd1d3bcbb15p-54"),
    ("0x1.a9e6b5579fdbfp+0", "0x1.469846e735ab3p-55"),
    ("0x1.ae89f995ad3adp+0", "0x1.c1a7792cb3387p-55"),
    ("0x1.b33a2b84f15fbp+0", "-0x1.5c3d956dcaebap-58"),
    ("0x1.b7f76f2fb5e47p+0", "-0x1.8d6f438ad9334p-57"),
    ("0x1.bcc1e904bc1d2p+0", "0x1.4ffd70a5fddcdp-56"),
    ("0x1.c199bdd85529cp+0", "0x1.36eae30af0cb3p-56"),
    ("0x1.c67f12e57d14bp+0", "0x1.4e08fd10959acp-55"),
    ("0x1.cb720dcef9069p+0", "0x1.76b2c6c921968p-57"),
    ("0x1.d072d4a07897cp+0", "-0x1.fad5d3ffffa6fp-55"),
    ("0x1.d5818dcfba487p+0", "0x1.4a385a63d07a7p-56"),
    ("0x1.da9e603db3285p+0", "0x1.e5a50d5c192acp-55"),
    ("0x1.dfc97337b9b5fp+0", "-0x1.2d52107b43e1fp-55"),
    ("0x1.e502ee78b3ff6p+0", "0x1.4b604603a88d3p-56"),
    ("0x1.ea4afa2a490dap+0", "-0x1.ff7128fd391f0p-55"),
    ("0x1.efa1bee615a27p+0", "0x1.ec3bc41aa2008p-55"),
    ("0x1.f50765b6e4540p+0", "0x1.a64a931d185eep-55"),
    ("0x1.fa7c1819e90d8p+0", "0x1.7893b4d91cd9dp-56"),
)

_EXP_N = 64
_INVLN2N = float.fromhex("0x1.71547652b82fep+6")  # RN(64 / ln 2)
_L2H = float.fromhex("0x1.62e42fefa0000p-7")  # ln2/64 to a multiple of 2**-42 (35 bits)
_L2L = float.fromhex("0x1.cf79abc9e3b3ap-46")  # RN(ln2/64 - _L2H)
# 1.5 * 2**52: for |v| < 2**51, (v + _SHIFT) holds round-to-nearest-even(v) in its low
# mantissa bits and (v + _SHIFT) - _SHIFT is that integer, exactly.
_SHIFT = 6755399441055744.0
_SHIFT_BITS = 0x4338000000000000

_EXP_T = np.array([float.fromhex(h) for h, _ in _EXP_TABLE_HEX], dtype=F64)
_EXP_TAIL = np.array([float.fromhex(t) for _, t in _EXP_TABLE_HEX], dtype=F64)
# Bits of the table head minus (j << 46): adding (k << 46) (mod 2**64), k = 64*m + j,
# then yields the bits of 2**m * T[j] (the j part cancels, the m part lands in the
# exponent field).
_EXP_TBITS_ADJ = _EXP_T.view(U64) - (np.arange(_EXP_N, dtype=U64) << U64(46))

# Taylor coefficients of e**r - 1 = r + r**2/2! + ... + r**6/6!  (|r| <= ln2/128 + tiny;
# the first omitted term r**7/7! is < 3e-20 relative).
_E2 = 1 / 2
_E3 = 1 / 6
_E4 = 1 / 24
_E5 = 1 / 120
_E6 = 1 / 720

# Taylor coefficients 1/n! for expm1 on |x| < 1/8, n = 2..11 (first omitted term
# x**12/12! < 2**-61.8 * |x|).
_EM = tuple(1 / f for f in (2, 6, 24, 120, 720, 5040, 40320, 362880, 3628800, 39916800))

# --------------------------------------------------------------------------------------
# log tables and constants
# --------------------------------------------------------------------------------------
_LN2_HI = float.fromhex("0x1.62e42fefa3800p-1")  # ln 2 to a multiple of 2**-42 (42 bits)
_LN2_LO = float.fromhex("0x1.ef35793c76730p-45")  # RN(ln 2 - _LN2_HI)
_LOG_OFF = 0x3FE6A09E667F3BCD  # bits of RN(sqrt(1/2)); z is reduced to [that, 2*that)
_EXP_FIELD = 0xFFF0000000000000

# Entry i covers the z (see _log_normal) whose bits are (_LOG_T0 + i) << 44 up to the next
# entry: 2**-9-wide sub-intervals of [sqrt(1/2), 1), 2**-8-wide ones of [1, sqrt(2)).
# invc is 1/(midpoint of the interval) rounded to 9 significant bits (1.0 exactly for the
# two intervals touching 1.0), so that r = z*invc - 1 is exact; |r| < 0.731 * 2**-8
# (< 2**-8 where invc = 1);
# head = -log(invc) rounded to a multiple of 2**-42, tail = RN(-log(invc) - head).
_LOG_T0 = 0x3FE6A
_LOG_TABLE_HEX = (
    ("0x1.6a00000000000p+0", "-0x1.62c82f2b9c000p-2", "-0x1.e54bdbd7c8a98p-44"),
    ("0x1.6900000000000p+0", "-0x1.5ff3070a79000p-2", "-0x1.e9e439f105039p-45"),
    ("0x1.6800000000000p+0", "-0x1.5d1bdbf581000p-2", "0x1.8d6bdc9c7c238p-44"),
    ("0x1.6700000000000p+0", "-0x1.5a42ab0f4d000p-2", "0x1.e63af2df7ba69p-50"),
    ("0x1.6600000000000p+0", "-0x1.5767717456000p-2", "0x1.64ead9524d7cap-44"),
    ("0x1.6500000000000p+0", "-0x1.548a2c3add000p-2", "-0x1.3167e63081cf7p-45"),
    ("0x1.6400000000000p+0", "-0x1.51aad872e0000p-2", "0x1.f4bd8db0a7cc1p-44"),
    ("0x1.6300000000000p+0", "-0x1.4ec9732600000p-2", "-0x1.34d7aaf04d104p-45"),
    ("0x1.6200000000000p+0", "-0x1.4be5f95778000p-2", "0x1.d7c92cd9ad824p-44"),
    ("0x1.6100000000000p+0", "-0x1.4900680401000p-2", "0x1.8bccffe1a0f8cp-44"),
    ("0x1.6000000000000p+0", "-0x1.4618bc21c6000p-2", "0x1.3d82f484c84ccp-46"),
    ("0x1.5f00000000000p+0", "-0x1.432ef2a04f000p-2", "0x1.fb129931715adp-44"),
    ("0x1.5e00000000000p+0", "-0x1.404308686a000p-2", "-0x1.f8ef43049f7d3p-44"),
    ("0x1.5d00000000000p+0", "-0x1.3d54fa5c1f000p-2", "-0x1.c3e1cd9a395e3p-44"),
    ("0x1.5c00000000000p+0", "-0x1.3a64c55694000p-2", "-0x1.7a71cbcd735d0p-44"),
    ("0x1.5b00000000000p+0", "-0x1.3772662bfe000p-2", "0x1.e9436ac53b023p-44"),
    ("0x1.5a00000000000p+0", "-0x1.347dd9a988000p-2", "0x1.5594dd4c58092p-45"),
    ("0x1.5900000000000p+0", "-0x1.31871c9544000p-2", "-0x1.84fab94cecfd9p-46"),
    ("0x1.5800000000000p+0", "-0x1.2e8e2bae12000p-2", "0x1.67b1e99b72bd8p-45"),
    ("0x1.5800000000000p+0", "-0x1.2e8e2bae12000p-2", "0x1.67b1e99b72bd8p-45"),
    ("0x1.5700000000000p+0", "-0x1.2b9303ab8a000p-2", "0x1.6db12d6bfb0a5p-45"),
    ("0x1.5600000000000p+0", "-0x1.2895a13de8000p-2", "-0x1.a8d7ad24c13f0p-44"),
    ("0x1.5500000000000p+0", "-0x1.2596010df7000p-2", "-0x1.8e7bc224ea3e3p-44"),
    ("0x1.5400000000000p+0", "-0x1.22941fbcf8000p-2", "0x1.a6976f5eb0963p-44"),
    ("0x1.5300000000000p+0", "-0x1.1f8ff9e48a000p-2", "-0x1.7946c040cbe77p-45"),
    ("0x1.5200000000000p+0", "-0x1.1c898c169a000p-2", "0x1.81410e5c62affp-44"),
    ("0x1.5100000000000p+0", "-0x1.1980d2dd42000p-2", "-0x1.b7b3a7a361c9ap-45"),
    ("0x1.5100000000000p+0", "-0x1.1980d2dd42000p-2", "-0x1.b7b3a7a361c9ap-45"),
    ("0x1.5000000000000p+0", "-0x1.1675cababa000p-2", "-0x1.8380e731f55c4p-44"),
    ("0x1.4f00000000000p+0", "-0x1.136870293b000p-2", "0x1.d3e8499d67123p-44"),
    ("0x1.4e00000000000p+0", "-0x1.1058bf9ae5000p-2", "0x1.4ab9d817d52cdp-44"),
    ("0x1.4d00000000000p+0", "-0x1.0d46b579ab000p-2", "-0x1.d2c81f640e1e6p-44"),
    ("0x1.4c00000000000p+0", "-0x1.0a324e2739000p-2", "-0x1.c6bee7ef4030ep-47"),
    ("0x1.4b00000000000p+0", "-0x1.071b85fcd6000p-2", "0x1.bcb8ba3e01a11p-44"),
    ("0x1.4b00000000000p+0", "-0x1.071b85fcd6000p-2", "0x1.bcb8ba3e01a11p-44"),
    ("0x1.4a00000000000p+0", "-0x1.0402594b4d000p-2", "-0x1.036b89ef42d7fp-48"),
    ("0x1.4900000000000p+0", "-0x1.00e6c45ad5000p-2", "-0x1.cc68d52e01203p-50"),
    ("0x1.4800000000000p+0", "-0x1.fb9186d5e4000p-3", "0x1.d572aab993c87p-47"),
    ("0x1.4700000000000p+0", "-0x1.f550a564b8000p-3", "0x1.323e3a09202fep-45"),
    ("0x1.4600000000000p+0", "-0x1.ef0adcbdc6000p-3", "0x1.b26b79c86af24p-45"),
    ("0x1.4600000000000p+0", "-0x1.ef0adcbdc6000p-3", "0x1.b26b79c86af24p-45"),
    ("0x1.4500000000000p+0", "-0x1.e8c0252aa6000p-3", "0x1.6805b80e8e6ffp-45"),
    ("0x1.4400000000000p+0", "-0x1.e27076e2b0000p-3", "0x1.a342c2af0003cp-44"),
    ("0x1.4300000000000p+0", "-0x1.dc1bca0abe000p-3", "-0x1.8fac1a628ccc6p-44"),
    ("0x1.4200000000000p+0", "-0x1.d5c216b4fc000p-3", "0x1.1ba91bbca681bp-45"),
    ("0x1.4200000000000p+0", "-0x1.d5c216b4fc000p-3", "0x1.1ba91bbca681bp-45"),
    ("0x1.4100000000000p+0", "-0x1.cf6354e09c000p-3", "-0x1.771239a07d55bp-45"),
    ("0x1.4000000000000p+0", "-0x1.c8ff7c79aa000p-3", "0x1.7794f689f8434p-45"),
    ("0x1.3f00000000000p+0", "-0x1.c2968558c2000p-3", "0x1.cfd73dee38a40p-45"),
    ("0x1.3f00000000000p+0", "-0x1.c2968558c2000p-3", "0x1.cfd73dee38a40p-45"),
    ("0x1.3e00000000000p+0", "-0x1.bc286742d8000p-3", "-0x1.9ac53f39d121cp-44"),
    ("0x1.3d00000000000p+0", "-0x1.b5b519e8fc000p-3", "0x1.4b722ec011f31p-44"),
    ("0x1.3c00000000000p+0", "-0x1.af3c94e80c000p-3", "0x1.a4e633fcd9066p-52"),
    ("0x1.3b00000000000p+0", "-0x1.a8becfc882000p-3", "-0x1.e3185cf21b9cfp-44"),
    ("0x1.3b00000000000p+0", "-0x1.a8becfc882000p-3", "-0x1.e3185cf21b9cfp-44"),
    ("0x1.3a00000000000p+0", "-0x1.a23bc1fe2c000p-3", "0x1.539cd91dc9f0bp-44"),
    ("0x1.3900000000000p+0", "-0x1.9bb362e7e0000p-3", "0x1.1f2a8a1ce0ffcp-45"),
    ("0x1.3800000000000p+0", "-0x1.9525a9cf46000p-3", "0x1.297137d9f158fp-44"),
    ("0x1.3800000000000p+0", "-0x1.9525a9cf46000p-3", "0x1.297137d9f158fp-44"),
    ("0x1.3700000000000p+0", "-0x1.8e928de886000p-3", "-0x1.a8154b13d72d5p-44"),
    ("0x1.3600000000000p+0", "-0x1.87fa06520c000p-3", "-0x1.22120401202fcp-44"),
    ("0x1.3500000000000p+0", "-0x1.815c0a1436000p-3", "0x1.02a52f9201ce8p-44"),
    ("0x1.3500000000000p+0", "-0x1.815c0a1436000p-3", "0x1.02a52f9201ce8p-44"),
    ("0x1.3400000000000p+0", "-0x1.7ab890210e000p-3", "0x1.bdb9072534a58p-45"),
    ("0x1.3300000000000p+0", "-0x1.740f8f5404000p-3", "0x1.0b66c99018aa1p-44"),
    ("0x1.3300000000000p+0", "-0x1.740f8f5404000p-3", "0x1.0b66c99018aa1p-44"),
    ("0x1.3200000000000p+0", "-0x1.6d60fe719e000p-3", "0x1.bc6e557134767p-44"),
    ("0x1.3100000000000p+0", "-0x1.66acd4272a000p-3", "-0x1.aa1bdbfc6c785p-44"),
    ("0x1.3000000000000p+0", "-0x1.5ff3070a7a000p-3", "0x1.8586f183bebf2p-44"),
    ("0x1.3000000000000p+0", "-0x1.5ff3070a7a000p-3", "0x1.8586f183bebf2p-44"),
    ("0x1.2f00000000000p+0", "-0x1.59338d9982000p-3", "-0x1.0ba68b7555d4ap-48"),
    ("0x1.2e00000000000p+0", "-0x1.526e5e3a1c000p-3", "0x1.790ba37fc5238p-44"),
    ("0x1.2e00000000000p+0", "-0x1.526e5e3a1c000p-3", "0x1.790ba37fc5238p-44"),
    ("0x1.2d00000000000p+0", "-0x1.4ba36f39a6000p-3", "0x1.4354bb3f219e5p-44"),
    ("0x1.2c00000000000p+0", "-0x1.44d2b6ccb8000p-3", "0x1.70cc16135783cp-46"),
    ("0x1.2c00000000000p+0", "-0x1.44d2b6ccb8000p-3", "0x1.70cc16135783cp-46"),
    ("0x1.2b00000000000p+0", "-0x1.3dfc2b0ecc000p-3", "-0x1.8a72a62b8c13fp-45"),
    ("0x1.2a00000000000p+0", "-0x1.371fc201e8000p-3", "-0x1.ee8779b2d8abcp-44"),
    ("0x1.2a00000000000p+0", "-0x1.371fc201e8000p-3", "-0x1.ee8779b2d8abcp-44"),
    ("0x1.2900000000000p+0", "-0x1.303d718e48000p-3", "0x1.680b5ce3ecb05p-50"),
    ("0x1.2800000000000p+0", "-0x1.29552f8200000p-3", "0x1.5b967f4471dfcp-44"),
    ("0x1.2800000000000p+0", "-0x1.29552f8200000p-3", "0x1.5b967f4471dfcp-44"),
    ("0x1.2700000000000p+0", "-0x1.2266f190a6000p-3", "0x1.4d20ab840e7f6p-45"),
    ("0x1.2600000000000p+0", "-0x1.1b72ad52f6000p-3", "-0x1.e80a41811a396p-45"),
    ("0x1.2600000000000p+0", "-0x1.1b72ad52f6000p-3", "-0x1.e80a41811a396p-45"),
    ("0x1.2500000000000p+0", "-0x1.1478584674000p-3", "-0x1.563451027c750p-46"),
    ("0x1.2400000000000p+0", "-0x1.0d77e7cd08000p-3", "-0x1.cb2cd2ee2f482p-44"),
    ("0x1.2400000000000p+0", "-0x1.0d77e7cd08000p-3", "-0x1.cb2cd2ee2f482p-44"),
    ("0x1.2300000000000p+0", "-0x1.0671512ca6000p-3", "0x1.a47579cdc0a3dp-45"),
    ("0x1.2200000000000p+0", "-0x1.fec9131dc0000p-4", "0x1.54555d1ae6607p-44"),
    ("0x1.2200000000000p+0", "-0x1.fec9131dc0000p-4", "0x1.54555d1ae6607p-44"),
    ("0x1.2100000000000p+0", "-0x1.f0a30c0118000p-4", "0x1.d599e83368e91p-44"),
    ("0x1.2000000000000p+0", "-0x1.e27076e2b0000p-4", "0x1.a342c2af0003cp-45"),
    ("0x1.2000000000000p+0", "-0x1.e27076e2b0000p-4", "0x1.a342c2af0003cp-45"),
    ("0x1.1f00000000000p+0", "-0x1.d4313d66cc000p-4", "0x1.9454379135713p-45"),
    ("0x1.1e00000000000p+0", "-0x1.c5e548f5bc000p-4", "-0x1.d0c57585fbe06p-46"),
    ("0x1.1e00000000000p+0", "-0x1.c5e548f5bc000p-4", "-0x1.d0c57585fbe06p-46"),
    ("0x1.1d00000000000p+0", "-0x1.b78c82bb10000p-4", "0x1.25ef7bc3987e7p-44"),
    ("0x1.1d00000000000p+0", "-0x1.b78c82bb10000p-4", "0x1.25ef7bc3987e7p-44"),
    ("0x1.1c00000000000p+0", "-0x1.a926d3a4ac000p-4", "-0x1.563650bd22a9cp-44"),
    ("0x1.1b00000000000p+0", "-0x1.9ab4246204000p-4", "0x1.8a64826787061p-45"),
    ("0x1.1b00000000000p+0", "-0x1.9ab4246204000p-4", "0x1.8a64826787061p-45"),
    ("0x1.1a00000000000p+0", "-0x1.8c345d6318000p-4", "-0x1.b20f5acb42a66p-44"),
    ("0x1.1a00000000000p+0", "-0x1.8c345d6318000p-4", "-0x1.b20f5acb42a66p-44"),
    ("0x1.1900000000000p+0", "-0x1.7da766d7b0000p-4", "-0x1.2cc844480c89bp-44"),
    ("0x1.1800000000000p+0", "-0x1.6f0d28ae58000p-4", "0x1.4b4641b664613p-44"),
    ("0x1.1800000000000p+0", "-0x1.6f0d28ae58000p-4", "0x1.4b4641b664613p-44"),
    ("0x1.1700000000000p+0", "-0x1.60658a9374000p-4", "-0x1.0c3b1dee9c4f8p-44"),
    ("0x1.1700000000000p+0", "-0x1.60658a9374000p-4", "-0x1.0c3b1dee9c4f8p-44"),
    ("0x1.1600000000000p+0", "-0x1.51b073f060000p-4", "-0x1.83f69278e686ap-44"),
    ("0x1.1500000000000p+0", "-0x1.42edcbea64000p-4", "-0x1.bc0eeea7c9acdp-46"),
    ("0x1.1500000000000p+0", "-0x1.42edcbea64000p-4", "-0x1.bc0eeea7c9acdp-46"),
    ("0x1.1400000000000p+0", "-0x1.341d7961bc000p-4", "-0x1.1d09299837610p-44"),
    ("0x1.1400000000000p+0", "-0x1.341d7961bc000p-4", "-0x1.1d09299837610p-44"),
    ("0x1.1300000000000p+0", "-0x1.253f62f0a0000p-4", "-0x1.416f8fb69a701p-44"),
    ("0x1.1200000000000p+0", "-0x1.16536eea38000p-4", "0x1.47c5e768fa309p-46"),
    ("0x1.1200000000000p+0", "-0x1.16536eea38000p-4", "0x1.47c5e768fa309p-46"),
    ("0x1.1100000000000p+0", "-0x1.0759835990000p-4", "0x1.b8ecfe4b59987p-44"),
    ("0x1.1100000000000p+0", "-0x1.0759835990000p-4", "0x1.b8ecfe4b59987p-44"),
    ("0x1.1000000000000p+0", "-0x1.f0a30c0118000p-5", "0x1.d599e83368e91p-45"),
    ("0x1.1000000000000p+0", "-0x1.f0a30c0118000p-5", "0x1.d599e83368e91p-45"),
    ("0x1.0f00000000000p+0", "-0x1.d276b8adb0000p-5", "-0x1.6a423c78a64b0p-46"),
    ("0x1.0f00000000000p+0", "-0x1.d276b8adb0000p-5", "-0x1.6a423c78a64b0p-46"),
    ("0x1.0e00000000000p+0", "-0x1.b42dd71198000p-5", "0x1.c827ae5d6704cp-46"),
    ("0x1.0d00000000000p+0", "-0x1.95c830ec90000p-5", "0x1.c148297c5feb8p-45"),
    ("0x1.0d00000000000p+0", "-0x1.95c830ec90000p-5", "0x1.c148297c5feb8p-45"),
    ("0x1.0c00000000000p+0", "-0x1.77458f6330000p-5", "0x1.181dce586af09p-44"),
    ("0x1.0c00000000000p+0", "-0x1.77458f6330000p-5", "0x1.181dce586af09p-44"),
    ("0x1.0b00000000000p+0", "-0x1.58a5bafc90000p-5", "0x1.b2b739570ad39p-45"),
    ("0x1.0b00000000000p+0", "-0x1.58a5bafc90000p-5", "0x1.b2b739570ad39p-45"),
    ("0x1.0a00000000000p+0", "-0x1.39e87b9fe8000p-5", "-0x1.eafd480ad9015p-44"),
    ("0x1.0a00000000000p+0", "-0x1.39e87b9fe8000p-5", "-0x1.eafd480ad9015p-44"),
    ("0x1.0900000000000p+0", "-0x1.1b0d989240000p-5", "0x1.3401e9ae889bbp-44"),
    ("0x1.0900000000000p+0", "-0x1.1b0d989240000p-5", "0x1.3401e9ae889bbp-44"),
    ("0x1.0800000000000p+0", "-0x1.f829b0e780000p-6", "-0x1.980267c7e09e4p-45"),
    ("0x1.0700000000000p+0", "-0x1.b9fc027b00000p-6", "0x1.b9a010ae6922ap-44"),
    ("0x1.0700000000000p+0", "-0x1.b9fc027b00000p-6", "0x1.b9a010ae6922ap-44"),
    ("0x1.0600000000000p+0", "-0x1.7b91b07d60000p-6", "0x1.3b955b602ace4p-44"),
    ("0x1.0600000000000p+0", "-0x1.7b91b07d60000p-6", "0x1.3b955b602ace4p-44"),
    ("0x1.0500000000000p+0", "-0x1.3cea443470000p-6", "0x1.6a2c432d6a40bp-44"),
    ("0x1.0500000000000p+0", "-0x1.3cea443470000p-6", "0x1.6a2c432d6a40bp-44"),
    ("0x1.0400000000000p+0", "-0x1.fc0a8b0fc0000p-7", "-0x1.f1e7cf6d3a69cp-50"),
    ("0x1.0400000000000p+0", "-0x1.fc0a8b0fc0000p-7", "-0x1.f1e7cf6d3a69cp-50"),
    ("0x1.0300000000000p+0", "-0x1.7dc475f820000p-7", "0x1.eb1245b5da1f5p-44"),
    ("0x1.0300000000000p+0", "-0x1.7dc475f820000p-7", "0x1.eb1245b5da1f5p-44"),
    ("0x1.0200000000000p+0", "-0x1.fe02a6b100000p-8", "-0x1.9e23f0dda40e4p-46"),
    ("0x1.0200000000000p+0", "-0x1.fe02a6b100000p-8", "-0x1.9e23f0dda40e4p-46"),
    ("0x1.0100000000000p+0", "-0x1.ff00aa2b00000p-9", "-0x1.0bc04a086b56ap-45"),
    ("0x1.0100000000000p+0", "-0x1.ff00aa2b00000p-9", "-0x1.0bc04a086b56ap-45"),
    ("0x1.0000000000000p+0", "0x0.0p+0", "0x0.0p+0"),
    ("0x1.0000000000000p+0", "0x0.0p+0", "0x0.0p+0"),
    ("0x1.fd00000000000p-1", "0x1.8121214580000p-8", "0x1.ad50382973f27p-46"),
    ("0x1.fb00000000000p-1", "0x1.41929f9680000p-7", "0x1.977c755d01368p-46"),
    ("0x1.f900000000000p-1", "0x1.c317384c80000p-7", "-0x1.41f33fcefb9fep-44"),
    ("0x1.f700000000000p-1", "0x1.228fb1fea0000p-6", "0x1.713e3284991fep-45"),
    ("0x1.f500000000000p-1", "0x1.63d6178690000p-6", "0x1.7abf389596542p-47"),
    ("0x1.f300000000000p-1", "0x1.a55f548c60000p-6", "-0x1.de0709f2d03c9p-45"),
    ("0x1.f100000000000p-1", "0x1.e72bf28140000p-6", "-0x1.8d75149774d47p-45"),
    ("0x1.f000000000000p-1", "0x1.0415d89e78000p-5", "-0x1.dddc7f461c516p-44"),
    ("0x1.ee00000000000p-1", "0x1.252f32f8d0000p-5", "0x1.83e9ae021b67bp-45"),
    ("0x1.ec00000000000p-1", "0x1.466aed42e0000p-5", "-0x1.c167375bdfd28p-45"),
    ("0x1.ea00000000000p-1", "0x1.67c94f2d48000p-5", "0x1.dac20827cca0cp-44"),
    ("0x1.e800000000000p-1", "0x1.894aa149f8000p-5", "0x1.9a19a8be97661p-44"),
    ("0x1.e600000000000p-1", "0x1.aaef2d0fb0000p-5", "0x1.0fc1a353bb42ep-45"),
    ("0x1.e500000000000p-1", "0x1.bbcebfc690000p-5", "-0x1.7bf868c317c2ap-46"),
    ("0x1.e300000000000p-1", "0x1.dda8adc680000p-5", "-0x1.1b1ac64d9e42fp-45"),
    ("0x1.e100000000000p-1", "0x1.ffa6911ab8000p-5", "0x1.3008c98381a8fp-45"),
    ("0x1.df00000000000p-1", "0x1.10e45b3cb0000p-4", "-0x1.7cf69284a3465p-44"),
    ("0x1.dd00000000000p-1", "0x1.2207b5c784000p-4", "0x1.49d8cfc10c7bfp-44"),
    ("0x1.dc00000000000p-1", "0x1.2aa04a4470000p-4", "0x1.7a48ba8b1cb41p-44"),
    ("0x1.da00000000000p-1", "0x1.3bdf5a7d20000p-4", "-0x1.19bd0ad125895p-44"),
    ("0x1.d800000000000p-1", "0x1.4d3115d208000p-4", "-0x1.53a2582f4e1efp-48"),
    ("0x1.d700000000000p-1", "0x1.55e10050e0000p-4", "0x1.c1d740c53c72ep-47"),
    ("0x1.d500000000000p-1", "0x1.674f089364000p-4", "0x1.a79994c9d3302p-44"),
    ("0x1.d300000000000p-1", "0x1.78d02263d8000p-4", "0x1.69b5794b69fb7p-47"),
    ("0x1.d200000000000p-1", "0x1.8197e2f410000p-4", "-0x1.c0fe460d20041p-44"),
    ("0x1.d000000000000p-1", "0x1.9335e5d594000p-4", "0x1.3115c3abd47dap-45"),
    ("0x1.ce00000000000p-1", "0x1.a4e7640b1c000p-4", "-0x1.e42b6b94407c8p-47"),
    ("0x1.cd00000000000p-1", "0x1.adc77ee5b0000p-4", "-0x1.573b209c31904p-44"),
    ("0x1.cb00000000000p-1", "0x1.bf968769fc000p-4", "0x1.4218c8d824283p-45"),
    ("0x1.c900000000000p-1", "0x1.d179788218000p-4", "0x1.36433b5efbeedp-44"),
    ("0x1.c800000000000p-1", "0x1.da72763844000p-4", "0x1.a89401fa71733p-46"),
    ("0x1.c600000000000p-1", "0x1.ec739830a0000p-4", "0x1.11fcba80cdd10p-44"),
    ("0x1.c500000000000p-1", "0x1.f57bc7d900000p-4", "0x1.76a6c9ea8b04ep-46"),
    ("0x1.c300000000000p-1", "0x1.03cdc0a51e000p-3", "0x1.81a9cf169fc5cp-44"),
    ("0x1.c200000000000p-1", "0x1.08598b59e4000p-3", "-0x1.7e5dd7009902cp-45"),
    ("0x1.c000000000000p-1", "0x1.1178e8227e000p-3", "0x1.1ef78ce2d07f2p-45"),
    ("0x1.bf00000000000p-1", "0x1.160c8024b2000p-3", "0x1.ec2d2a9009e3dp-45"),
    ("0x1.bd00000000000p-1", "0x1.1f3b925f26000p-3", "-0x1.5f74e9b083633p-46"),
    ("0x1.bc00000000000p-1", "0x1.23d712a49c000p-3", "0x1.00d238fd3df5cp-46"),
    ("0x1.ba00000000000p-1", "0x1.2d1610c868000p-3", "0x1.39d6ccb81b4a1p-47"),
    ("0x1.b900000000000p-1", "0x1.31b994d3a4000p-3", "0x1.f098ee3a50810p-44"),
    ("0x1.b700000000000p-1", "0x1.3b08b67580000p-3", "-0x1.aade8f29320fbp-44"),
    ("0x1.b600000000000p-1", "0x1.3fb45a5992000p-3", "0x1.19713c0cae559p-44"),
    ("0x1.b400000000000p-1", "0x1.4913d8333c000p-3", "-0x1.53e43558124c4p-44"),
    ("0x1.b300000000000p-1", "0x1.4dc7b897bc000p-3", "0x1.c79b60ae1ff0fp-47"),
    ("0x1.b100000000000p-1", "0x1.5737cc9018000p-3", "0x1.9baa7a6b887f6p-44"),
    ("0x1.b000000000000p-1", "0x1.5bf406b544000p-3", "-0x1.27023eb68981cp-46"),
    ("0x1.ae00000000000p-1", "0x1.6574ebe8c2000p-3", "-0x1.98c1d34f0f462p-44"),
    ("0x1.ad00000000000p-1", "0x1.6a399dabbe000p-3", "-0x1.8f934e66a15a6p-44"),
    ("0x1.ac00000000000p-1", "0x1.6f0128b756000p-3", "0x1.577390d31ef0fp-44"),
    ("0x1.aa00000000000p-1", "0x1.7898d85444000p-3", "0x1.8e67be3dbaf3fp-44"),
    ("0x1.a900000000000p-1", "0x1.7d6903caf6000p-3", "-0x1.4c06b17c301d7p-45"),
    ("0x1.a700000000000p-1", "0x1.871213750e000p-3", "0x1.328eb42f9af75p-44"),
    ("0x1.a600000000000p-1", "0x1.8beafeb390000p-3", "-0x1.73d54aae92cd1p-47"),
    ("0x1.a500000000000p-1", "0x1.90c6db9fcc000p-3", "-0x1.935f57718d7cap-46"),
    ("0x1.a300000000000p-1", "0x1.9a8778deba000p-3", "0x1.470fa3efec390p-44"),
    ("0x1.a200000000000p-1", "0x1.9f6c40708a000p-3", "-0x1.337d94bcd3f43p-44"),
    ("0x1.a100000000000p-1", "0x1.a454082e6a000p-3", "0x1.60a77c81f7171p-44"),
    ("0x1.9f00000000000p-1", "0x1.ae2ca6f672000p-3", "0x1.7a8d5ae54f550p-44"),
    ("0x1.9e00000000000p-1", "0x1.b31d8575bc000p-3", "0x1.c794e562a63cbp-44"),
    ("0x1.9d00000000000p-1", "0x1.b811730b82000p-3", "0x1.e90683b9cd768p-46"),
    ("0x1.9c00000000000p-1", "0x1.bd087383be000p-3", "-0x1.d4bc4595412b6p-45"),
    ("0x1.9a00000000000p-1", "0x1.c6ffbc6f00000p-3", "0x1.ee138d3a69d43p-44"),
    ("0x1.9900000000000p-1", "0x1.cc000c9db4000p-3", "-0x1.d6d585d57aff9p-46"),
    ("0x1.9800000000000p-1", "0x1.d1037f2656000p-3", "-0x1.84a7e75b6f6e4p-47"),
    ("0x1.9600000000000p-1", "0x1.db13db0d48000p-3", "0x1.2806a847527e6p-44"),
    ("0x1.9500000000000p-1", "0x1.e020cc6236000p-3", "-0x1.52b00adb91424p-45"),
    ("0x1.9400000000000p-1", "0x1.e530effe72000p-3", "-0x1.fdbdbb13f7c18p-44"),
    ("0x1.9300000000000p-1", "0x1.ea4449f04a000p-3", "0x1.5e91663732a36p-44"),
    ("0x1.9100000000000p-1", "0x1.f474b134e0000p-3", "-0x1.bae49f1df7b5ep-44"),
    ("0x1.9000000000000p-1", "0x1.f991c6cb3c000p-3", "-0x1.90d04cd7cc834p-44"),
    ("0x1.8f00000000000p-1", "0x1.feb2233ea0000p-3", "0x1.f3418de00938bp-45"),
    ("0x1.8e00000000000p-1", "0x1.01eae5626c000p-2", "0x1.a43dcfade85aep-44"),
    ("0x1.8d00000000000p-1", "0x1.047e60cde8000p-2", "0x1.dbdf10d397f3cp-45"),
    ("0x1.8b00000000000p-1", "0x1.09aa572e6c000p-2", "0x1.b50a1e1734342p-44"),
    ("0x1.8a00000000000p-1", "0x1.0c42d67616000p-2", "0x1.7188b163ceae9p-45"),
    ("0x1.8900000000000p-1", "0x1.0edd060b78000p-2", "0x1.019b52d8435f5p-47"),
    ("0x1.8800000000000p-1", "0x1.1178e8227e000p-2", "0x1.1ef78ce2d07f2p-44"),
    ("0x1.8700000000000p-1", "0x1.14167ef367000p-2", "0x1.e0c07824daaf5p-44"),
    ("0x1.8600000000000p-1", "0x1.16b5ccbad0000p-2", "-0x1.23299042d74bfp-44"),
    ("0x1.8400000000000p-1", "0x1.1bf99635a7000p-2", "-0x1.1ac89575c2125p-44"),
    ("0x1.8300000000000p-1", "0x1.1e9e16788a000p-2", "-0x1.82eaed3c8b65ep-44"),
    ("0x1.8200000000000p-1", "0x1.214456d0ec000p-2", "-0x1.caf0428b728a3p-44"),
    ("0x1.8100000000000p-1", "0x1.23ec5991ec000p-2", "-0x1.6dbe448a2e522p-44"),
    ("0x1.8000000000000p-1", "0x1.269621134e000p-2", "-0x1.1b61f10522625p-44"),
    ("0x1.7f00000000000p-1", "0x1.2941afb187000p-2", "-0x1.210c2b730e28bp-44"),
    ("0x1.7e00000000000p-1", "0x1.2bef07cdc9000p-2", "0x1.a9cfa4a5004f4p-45"),
    ("0x1.7c00000000000p-1", "0x1.314f1e1d36000p-2", "-0x1.8e27ad3213cb8p-45"),
    ("0x1.7b00000000000p-1", "0x1.3401e12aed000p-2", "-0x1.17c73556e291dp-44"),
    ("0x1.7a00000000000p-1", "0x1.36b6776be1000p-2", "0x1.16ecdb0f177c8p-46"),
    ("0x1.7900000000000p-1", "0x1.396ce359bc000p-2", "-0x1.5839c5663663dp-47"),
    ("0x1.7800000000000p-1", "0x1.3c25277333000p-2", "0x1.83b54b606bd5cp-46"),
    ("0x1.7700000000000p-1", "0x1.3edf463c17000p-2", "-0x1.f067c297f2c3fp-44"),
    ("0x1.7600000000000p-1", "0x1.419b423d5f000p-2", "-0x1.ce379226de3ecp-44"),
    ("0x1.7500000000000p-1", "0x1.44591e053a000p-2", "-0x1.6e95892923d88p-47"),
    ("0x1.7400000000000p-1", "0x1.4718dc271c000p-2", "0x1.06c18fb4c14c5p-44"),
    ("0x1.7300000000000p-1", "0x1.49da7f3bcc000p-2", "0x1.07b334daf4b9ap-44"),
    ("0x1.7200000000000p-1", "0x1.4c9e09e173000p-2", "-0x1.e20891b0ad8a4p-45"),
    ("0x1.7100000000000p-1", "0x1.4f637ebbaa000p-2", "-0x1.fc158cb3124b9p-44"),
    ("0x1.7000000000000p-1", "0x1.522ae0738a000p-2", "0x1.ebe708164c759p-45"),
    ("0x1.6f00000000000p-1", "0x1.54f431b7be000p-2", "0x1.a8954c0910952p-46"),
    ("0x1.6e00000000000p-1", "0x1.57bf753c8d000p-2", "0x1.fadedee5d40efp-46"),
    ("0x1.6d00000000000p-1", "0x1.5a8cadbbee000p-2", "-0x1.7c79b0af7ecf8p-48"),
    ("0x1.6c00000000000p-1", "0x1.5d5bddf596000p-2", "-0x1.a0b2a08a465dcp-47"),
    ("0x1.6b00000000000p-1", "0x1.602d08af09000p-2", "0x1.ebe9176df3f65p-46"),
    ("0x1.6a00000000000p-1", "0x1.630030b3ab000p-2", "-0x1.db623e731ae00p-45"),
)

_LOG_INVC = np.array([float.fromhex(v) for v, _, _ in _LOG_TABLE_HEX], dtype=F64)
_LOGC_HI = np.array([float.fromhex(h) for _, h, _ in _LOG_TABLE_HEX], dtype=F64)
_LOGC_LO = np.array([float.fromhex(t) for _, _, t in _LOG_TABLE_HEX], dtype=F64)

# Taylor coefficients of log(1 + r) = r - r**2/2 + r**3/3 - ... (|r| < 2**-8): log()
# stops at r**7 (first omitted term r**8/8 < 2**-59 |r|), the double-double variant at
# r**8 (r**9/9 < 2**-67 |r|).
_L3 = 1 / 3
_L4 = -1 / 4
_L5 = 1 / 5
_L6 = -1 / 6
_L7 = 1 / 7
_L8 = -1 / 8

# --------------------------------------------------------------------------------------
# AS 241 (PPND16) coefficients, Wichura (1988), Applied Statistics 37(3) 477-484.
# --------------------------------------------------------------------------------------
# |p - 1/2| <= 0.425: x = q * A(r) / B(r), r = 0.180625 - q**2.
_AS241_A = (
    3.3871328727963666080e0,
    1.3314166789178437745e2,
    1.9715909503065514427e3,
    1.3731693765509461125e4,
    4.5921953931549871457e4,
    6.7265770927008700853e4,
    3.3430575583588128105e4,
    2.5090809287301226727e3,
)
_AS241_B = (
    1.0,
    4.2313330701600911252e1,
    6.8718700749205790830e2,
    5.3941960214247511077e3,
    2.1213794301586595867e4,
    3.9307895800092710610e4,
    2.8729085735721942674e4,
    5.2264952788528545610e3,
)
# r = sqrt(-log(min(p, 1-p))) <= 5: x = C(r - 1.6) / D(r - 1.6).
_AS241_C = (
    1.42343711074968357734e0,
    4.63033784615654529590e0,
    5.76949722146069140550e0,
    3.64784832476320460504e0,
    1.27045825245236838258e0,
    2.41780725177450611770e-1,
    2.27238449892691845833e-2,
    7.74545014278341407640e-4,
)
_AS241_D = (
    1.0,
    2.05319162663775882187e0,
    1.67638483018380384940e0,
    6.89767334985100004550e-1,
    1.48103976427480074590e-1,
    1.51986665636164571966e-2,
    5.47593808499534494600e-4,
    1.05075007164441684324e-9,
)
# r > 5: x = E(r - 5) / F(r - 5).
_AS241_E = (
    6.65790464350110377720e0,
    5.46378491116411436990e0,
    1.78482653991729133580e0,
    2.96560571828504891230e-1,
    2.65321895265761230930e-2,
    1.24266094738807843860e-3,
    2.71155556874348757815e-5,
    2.01033439929228813265e-7,
)
_AS241_F = (
    1.0,
    5.99832206555887937690e-1,
    1.36929880922735805310e-1,
    1.48753612908506148525e-2,
    7.86869131145613259100e-4,
    1.84631831751005468180e-5,
    1.42151175831644588870e-7,
    2.04426310338993978564e-15,
)


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
# Kernels run on blocks of at most _BLOCK elements.  This keeps every temporary small
# (64 KiB: below glibc's mmap threshold, so no page-fault churn from the ~40 temporaries
# a kernel creates, and cache resident).  Results do not depend on the block size.
_BLOCK = 8192

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _quiet(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run fn with numpy floating-point warnings off (results are unaffected)."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    return wrapper


def _prep(x: ArrayLike) -> tuple[FloatArray, tuple[int, ...]]:
    """Return (flat C-contiguous float64 view/copy of x, original shape)."""
    a = np.asarray(x)
    if a.dtype.kind == "c":
        raise TypeError("detmath functions are real-valued; got a complex argument")
    a = np.asarray(a, dtype=F64, order="C")
    return a.reshape(-1), a.shape


def _finish(out: FloatArray, shape: tuple[int, ...]) -> Any:
    """Reshape a flat result; 0-d results become np.float64 like numpy ufuncs."""
    if shape == ():
        return F64(out[0])
    return out.reshape(shape)


def _blockwise(kernel: Callable[..., FloatArray], *arrays: FloatArray) -> FloatArray:
    """Apply an elementwise kernel to flat arrays of equal length, block by block."""
    n = arrays[0].size
    if n <= _BLOCK:
        return kernel(*arrays)
    out = np.empty(n, dtype=F64)
    for s in range(0, n, _BLOCK):
        e = s + _BLOCK
        out[s:e] = kernel(*(a[s:e] for a in arrays))
    return out


def _split26(v: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Exact split v = head + tail, head with 26 significant bits, tail with <= 27."""
    head = (v.view(U64) & U64(_MASK26)).view(F64)
    return head, v - head


def _horner(v: FloatArray, coeffs: tuple[float, ...]) -> FloatArray:
    """coeffs[0] + coeffs[1]*v + ... evaluated by Horner's rule (plain double ops)."""
    acc = coeffs[-1] * v + coeffs[-2]
    for c in coeffs[-3::-1]:
        acc = acc * v + c
    return acc


def _pow2(e: NDArray[np.int64]) -> FloatArray:
    """2.0**e for integer e in [-1022, 1023], built from the exponent bits."""
    return ((e + 1023).astype(U64) << U64(52)).view(F64)


def _scatter(
    out: FloatArray, mask: NDArray[np.bool_], fn: Callable[[NDArray[np.intp]], Any]
) -> None:
    """out[mask] = fn(indices of mask), via integer indices (fast for random masks)."""
    idx = np.flatnonzero(mask)
    if idx.size:
        out[idx] = fn(idx)


# --------------------------------------------------------------------------------------
# exp kernel
# --------------------------------------------------------------------------------------
def _exp_reduce(
    x: FloatArray, xl: FloatArray | None
) -> tuple[NDArray[np.uint64], NDArray[np.int64], FloatArray]:
    """Argument reduction for e**(x + xl), |x| <= 746 (not nan), |xl| <= 2**-40.

    Returns (kbits, j, q): k = 64*m + j is the nearest integer to x*64/ln2, held in
    the low bits of kbits = bits(k + 1.5*2**52), and 2**(j/64) * e**r = T[j] * (1 + q)
    with r = x + xl - k*ln2/64, |r| <= ln2/128 + 2**-40, up to < 2**-60 relative.
    """
    kd = x * _INVLN2N + _SHIFT
    kf = kd - _SHIFT
    r = (x - kf * _L2H) - kf * _L2L  # x - kf*_L2H is exact (Cody-Waite)
    if xl is not None:
        r = r + xl
    kbits = kd.view(U64)
    j = (kbits & U64(_EXP_N - 1)).view(np.int64)
    p = r + (r * r) * (_E2 + r * (_E3 + r * (_E4 + r * (_E5 + r * _E6))))
    q = p + np.take(_EXP_TAIL, j)
    return kbits, j, q


def _exp_main(x: FloatArray, xl: FloatArray | None) -> FloatArray:
    """e**(x + xl) for |x| <= 707 (so 2**m * T[j] is a normal double)."""
    kbits, j, q = _exp_reduce(x, xl)
    sc = (np.take(_EXP_TBITS_ADJ, j) + (kbits << U64(46))).view(F64)  # 2**m * T[j], exact
    return sc + sc * q


def _exp_any(x: FloatArray, xl: FloatArray | None) -> FloatArray:
    """e**(x + xl) for any x (slow path: overflow, underflow, subnormal results, nan)."""
    nan = np.isnan(x)
    xc = np.clip(np.where(nan, 0.0, x), -746.0, 710.0)
    kbits, j, q = _exp_reduce(xc, xl)
    k = (kbits - U64(_SHIFT_BITS)).view(np.int64)
    m = k >> 6
    over = m > 1023
    under = m < -1022
    # Scale by 2**e with e in the normal range; the remaining factor (2 or 2**-1022)
    # is applied afterwards with a single rounding.
    e = np.where(over, m - 1, np.where(under, m + 1022, m))
    sc = np.take(_EXP_T, j) * _pow2(e)
    big = sc * q
    y = sc + big
    # Subnormal results: y (in units of 2**-1022) < 1.  Round y + yl to a multiple of
    # 2**-52 through 1 + (y + yl), so that the result is rounded only once.
    yl = (sc - y) + big
    s = 1.0 + y
    lo = ((1.0 - s) + y) + yl
    sub = ((s + lo) - 1.0) * _TWOM1022
    out = np.where(over, y * 2.0, np.where(under, np.where(y < 1.0, sub, y * _TWOM1022), y))
    return np.where(nan, x, out)


def _exp_kernel(x: FloatArray, xl: FloatArray | None = None) -> FloatArray:
    """e**(x + xl) for a flat float64 array x (xl: optional small low part)."""
    regular = np.abs(x) <= 707.0  # False for nan
    if regular.all():
        return _exp_main(x, xl)
    out = np.empty_like(x)
    _scatter(out, ~regular, lambda i: _exp_any(x[i], None if xl is None else xl[i]))
    _scatter(out, regular, lambda i: _exp_main(x[i], None if xl is None else xl[i]))
    return out


# --------------------------------------------------------------------------------------
# log kernel
# --------------------------------------------------------------------------------------
def _log_normal(
    x: FloatArray, kadj: float = 0.0, extra: FloatArray | None = None, precise: bool = False
) -> tuple[FloatArray, FloatArray | None]:
    """log(x) + kadj*ln2 + extra for positive normal finite x.

    precise=False: returns (RN(result), None), error < 0.52 ulp.
    precise=True: returns a double-double (hi, lo), hi = RN(hi + lo), with
    |hi + lo - exact| < 2**-66 * |exact| (used by power).
    ``extra`` (log1p's correction) must satisfy |extra| <= 2**-52.
    """
    # x = 2**k * z with z in [sqrt(1/2), sqrt(2)); i = table interval of z.
    ix = x.view(U64)
    tmp = ix - U64(_LOG_OFF)
    k = tmp.view(np.int64) >> 52
    iz = ix - (tmp & U64(_EXP_FIELD))
    i = ((iz >> U64(44)) - U64(_LOG_T0)).view(np.int64)
    z = iz.view(F64)
    # r = z*invc - 1, exactly: z = zh + zl with zh of 44 and zl of <= 9 significant bits,
    # invc has 9, so both products are exact, zh*invc - 1 is exact (Sterbenz) and the
    # final sum is exact because |r| < 2**-8 needs at most 53 bits (down to 2**-61).
    invc = np.take(_LOG_INVC, i)
    zh = (iz & U64(_MASK44)).view(F64)
    r = (zh * invc - 1.0) + (z - zh) * invc
    kf = k.astype(F64)
    if kadj:
        kf = kf + kadj
    # k*ln2 - log(invc): the heads are multiples of 2**-42 below 2**10, the sum is exact.
    big = kf * _LN2_HI + np.take(_LOGC_HI, i)
    tail = np.take(_LOGC_LO, i) + kf * _LN2_LO
    if extra is not None:
        tail = tail + extra
    if not precise:
        # log(1 + r) = r + r**2 * Q(r), Q = -1/2 + r/3 - ... + r**5/7.
        hi0 = big + r  # |big| >= |r| unless big == 0: Fast2Sum
        e2 = (big - hi0) + r
        q = -0.5 + r * (_L3 + r * (_L4 + r * (_L5 + r * (_L6 + r * _L7))))
        return hi0 + (e2 + ((r * r) * q + tail)), None
    # log(1 + r) = r - r**2/2 + r**3 * P(r) with r**2/2 = hh + hl (hh exact).
    a, b = _split26(r)
    hh = (a * a) * 0.5
    hl = a * b + (b * b) * 0.5  # a*b exact; b*b/2 < 2**-52 r**2
    s = r - hh  # |hh| < |r|/2**9: Fast2Sum
    e1 = (r - s) - hh
    poly = _L3 + r * (_L4 + r * (_L5 + r * (_L6 + r * (_L7 + r * _L8))))
    lo = (e1 - hl) + (r * r) * r * poly
    hi0 = big + s  # |big| >= |s| unless big == 0: Fast2Sum
    e2 = (big - hi0) + s
    low = e2 + (lo + tail)
    hi = hi0 + low
    return hi, (hi0 - hi) + low


def _log_pos(
    x: FloatArray, extra: FloatArray | None = None, precise: bool = False
) -> tuple[FloatArray, FloatArray | None]:
    """_log_normal for positive finite x including subnormals."""
    normal = x >= _TINY
    if normal.all():
        return _log_normal(x, 0.0, extra, precise)
    hi = np.empty_like(x)
    lo = np.empty_like(x) if precise else None
    for mask, scale, kadj in ((~normal, _TWO54, -54.0), (normal, 1.0, 0.0)):
        ids = np.flatnonzero(mask)
        if ids.size:
            h, lw = _log_normal(
                x[ids] * scale, kadj, None if extra is None else extra[ids], precise
            )
            hi[ids] = h
            if lo is not None and lw is not None:
                lo[ids] = lw
    return hi, lo


def _log_kernel(x: FloatArray) -> FloatArray:
    """Natural log of a flat float64 array with special values."""
    # Positive, normal and finite (unsigned bit arithmetic: one subtraction, one compare).
    regular = (x.view(U64) - U64(0x0010000000000000)) < U64(0x7FE0000000000000)
    if regular.all():
        return _log_normal(x)[0]
    out = np.empty_like(x)
    pos = (x > 0.0) & (x < _INF)
    _scatter(out, pos, lambda i: _log_pos(x[i])[0])
    # log(+-0) = -inf, log(+inf) = +inf, log(x < 0) = nan, log(nan) = nan.
    _scatter(out, ~pos, lambda i: np.where(x[i] == 0.0, -_INF, np.where(x[i] == _INF, _INF, _NAN)))
    return out


# --------------------------------------------------------------------------------------
# expm1, log1p, power and ndtri kernels
# --------------------------------------------------------------------------------------
def _expm1_small(x: FloatArray) -> FloatArray:
    """e**x - 1 for |x| < 1/8: x + x**2 * (1/2! + x/3! + ... + x**9/11!)."""
    out = x + (x * x) * _horner(x, _EM)
    zero = x == 0.0
    if zero.any():
        out = np.where(zero, x, out)  # keep the sign of -0.0
    return out


def _expm1_mid(x: FloatArray) -> FloatArray:
    """e**x - 1 for -50 <= x <= 707 (accurate for |x| >= 1/8)."""
    kbits, j, q = _exp_reduce(x, None)
    sc = (np.take(_EXP_TBITS_ADJ, j) + (kbits << U64(46))).view(F64)  # 2**m * T[j]
    # d + err == sc - 1 exactly (Knuth's TwoSum).
    d = sc - 1.0
    bb = d - sc
    err = (sc - (d - bb)) + (-1.0 - bb)
    return d + (err + sc * q)


def _expm1_kernel(x: FloatArray) -> FloatArray:
    small = np.abs(x) < 0.125
    if small.all():
        return _expm1_small(x)
    mid = (x >= -50.0) & (x <= 707.0) & ~small
    if mid.all():
        return _expm1_mid(x)
    out = np.empty_like(x)
    _scatter(out, small, lambda i: _expm1_small(x[i]))
    _scatter(out, mid, lambda i: _expm1_mid(x[i]))
    # x < -50: e**x < 2**-72, the result rounds to -1; x > 707 (same as exp) and nan.
    _scatter(out, ~(small | mid), lambda i: np.where(x[i] < -50.0, -1.0, _exp_any(x[i], None)))
    return out


def _log1p_tiny(x: FloatArray) -> FloatArray:
    """log(1 + x) = x - x**2/2 + x**3/3 for |x| < 2**-20 (omitted x**4/4 < 2**-62 |x|).

    Keeps the sign of -0.0: (-0) + (+0 * -0.5) = -0.
    """
    return x + (x * x) * (-0.5 + x * _L3)


def _log1p_main(x: FloatArray) -> FloatArray:
    """log(1 + x) for finite x > -1, |x| >= 2**-20."""
    u = 1.0 + x
    bb = u - 1.0
    corr = (1.0 - (u - bb)) + (x - bb)  # 1 + x == u + corr exactly (TwoSum)
    # log(u + corr) = log(u) + corr/u - ..., |corr/u| <= 2**-53.
    return _log_pos(u, corr / u)[0]


def _log1p_kernel(x: FloatArray) -> FloatArray:
    tiny = np.abs(x) < 9.5367431640625e-07  # 2**-20
    main = (x > -1.0) & (x <= _MAX) & ~tiny
    if main.all():
        return _log1p_main(x)
    out = np.empty_like(x)
    _scatter(out, main, lambda i: _log1p_main(x[i]))
    _scatter(out, tiny, lambda i: _log1p_tiny(x[i]))
    # log1p(-1) = -inf, log1p(inf) = inf, x < -1 or nan -> nan.
    _scatter(
        out,
        ~(main | tiny),
        lambda i: np.where(x[i] == -1.0, -_INF, np.where(x[i] == _INF, _INF, _NAN)),
    )
    return out


def _pow_regular(ax: FloatArray, y: FloatArray) -> FloatArray:
    """ax**y for positive finite ax and finite y."""
    hi, lo = _log_pos(ax, precise=True)
    assert lo is not None
    p = y * hi
    huge = ~(np.abs(p) < 1024.0)  # |y log x| >= 1024: certain overflow/underflow
    anyhuge = bool(huge.any())
    if anyhuge:
        p_huge = p
        y = np.where(huge, 0.0, y)
        p = y * hi
    # t = y * (hi + lo) as a double-double th + tl (Dekker's exact product, with the
    # operands split by masking mantissa bits; no FMA).
    yh, yl = _split26(y)
    hh, hl = _split26(hi)
    e = (((yh * hh - p) + (yh * hl + yl * hh)) + yl * hl) + y * lo
    th = p + e
    out = _exp_kernel(th, (p - th) + e)
    if anyhuge:
        out = np.where(huge, np.where(p_huge > 0.0, _INF, 0.0), out)
    return out


def _pow_special(ax: FloatArray, y: FloatArray) -> FloatArray:
    """ax**y (ax >= 0 or nan) when ax is 0, inf or nan or y is inf or nan (C99 F.9.4.4)."""
    res = np.full(ax.shape, _NAN)
    pos_y = y > 0.0
    neg_y = y < 0.0
    res = np.where((ax == 0.0) & pos_y, 0.0, res)
    res = np.where((ax == 0.0) & neg_y, _INF, res)
    res = np.where((ax == _INF) & pos_y, _INF, res)
    res = np.where((ax == _INF) & neg_y, 0.0, res)
    finite_x = (ax > 0.0) & (ax < _INF)
    res = np.where(finite_x & (y == _INF), np.where(ax > 1.0, _INF, 0.0), res)
    res = np.where(finite_x & (y == -_INF), np.where(ax > 1.0, 0.0, _INF), res)
    return np.where((y == 0.0) | (ax == 1.0), 1.0, res)


def _pow_kernel(x: FloatArray, y: FloatArray) -> FloatArray:
    neg = np.signbit(x)
    ax = np.abs(x) if neg.any() else x
    regular = (ax > 0.0) & (ax < _INF) & (np.abs(y) < _INF)
    if regular.all():
        out = _pow_regular(ax, y)
    else:
        out = np.empty_like(ax)
        _scatter(out, regular, lambda i: _pow_regular(ax[i], y[i]))
        _scatter(out, ~regular, lambda i: _pow_special(ax[i], y[i]))
    if neg.any():
        # x < 0 or x = -0: (-1)**y * |x|**y for integer y (+-inf count as even), nan
        # for non-integer y and finite x < 0; (-1)**nan = nan, (-0)**y and (-inf)**y
        # as in C99.
        def fix(i: NDArray[np.intp]) -> FloatArray:
            xn, yn, res = x[i], y[i], out[i]
            yint = np.floor(yn) == yn
            half = yn * 0.5
            res = np.where(yint & (np.floor(half) != half), -res, res)
            res = np.where(~yint & (xn > -_INF) & (xn < 0.0), _NAN, res)
            return np.where(yn == 0.0, 1.0, np.where(np.isnan(yn), _NAN, res))

        _scatter(out, neg, fix)
    return out


def _ndtri_central(q: FloatArray) -> FloatArray:
    """AS 241 for |p - 1/2| <= 0.425, q = p - 1/2."""
    r = 0.180625 - q * q
    return q * _horner(r, _AS241_A) / _horner(r, _AS241_B)


def _ndtri_tail(p: FloatArray, q: FloatArray) -> FloatArray:
    """AS 241 for 0 < p < 1 with |p - 1/2| > 0.425."""
    rr = np.where(q < 0.0, p, 1.0 - p)  # 1 - p is exact for p >= 1/2
    r = np.sqrt(-_log_pos(rr)[0])
    s1 = r - 1.6
    s2 = r - 5.0
    x = np.where(
        r <= 5.0,
        _horner(s1, _AS241_C) / _horner(s1, _AS241_D),
        _horner(s2, _AS241_E) / _horner(s2, _AS241_F),
    )
    # x > 0 here: give it the sign of q.
    return (x.view(U64) | (q.view(U64) & U64(_SIGN))).view(F64)


def _ndtri_kernel(p: FloatArray) -> FloatArray:
    q = p - 0.5
    central = np.abs(q) <= 0.425  # False for nan
    if central.all():
        return _ndtri_central(q)
    out = np.empty_like(p)
    tail = (p > 0.0) & (p < 1.0) & ~central
    _scatter(out, central, lambda i: _ndtri_central(q[i]))
    _scatter(out, tail, lambda i: _ndtri_tail(p[i], q[i]))
    _scatter(
        out,
        ~(central | tail),
        lambda i: np.where(p[i] == 0.0, -_INF, np.where(p[i] == 1.0, _INF, _NAN)),
    )
    return out


# --------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------
@_quiet
def exp(x: ArrayLike) -> Any:
    """Exponential e**x, bit-reproducible.

    Parameters
    ----------
    x : float or array_like
        Argument (dimensionless), converted to float64.

    Returns
    -------
    np.float64 or np.ndarray of float64, shape of ``x``.
        Error < 0.51 ulp measured (at most 1 ulp from ``math.exp`` in the tests).
        x > 709.782712893384 -> inf; x < -745.1332191019412 -> 0; results below
        2**-1022 are subnormal and rounded once; exp(-inf) = 0, exp(inf) = inf,
        exp(nan) = nan.  No warnings are emitted.
    """
    a, shape = _prep(x)
    return _finish(_blockwise(_exp_kernel, a), shape)


@_quiet
def expm1(x: ArrayLike) -> Any:
    """e**x - 1, accurate also for tiny |x|, bit-reproducible.

    Parameters
    ----------
    x : float or array_like
        Argument (dimensionless), converted to float64.

    Returns
    -------
    np.float64 or np.ndarray of float64, shape of ``x``.
        Error < 0.6 ulp measured (at most 1 ulp from ``math.expm1`` in the tests).
        expm1(+-0) = +-0, expm1(-inf) = -1, expm1(inf) = inf, overflow to inf
        above 709.782712893384, nan -> nan.
    """
    a, shape = _prep(x)
    return _finish(_blockwise(_expm1_kernel, a), shape)


@_quiet
def log(x: ArrayLike) -> Any:
    """Natural logarithm, bit-reproducible.

    Parameters
    ----------
    x : float or array_like
        Argument, converted to float64.

    Returns
    -------
    np.float64 or np.ndarray of float64, shape of ``x``.
        Error < 0.52 ulp measured (at most 1 ulp from ``math.log`` in the tests); subnormal
        inputs are handled exactly.  log(+-0) = -inf, log(x < 0) = nan,
        log(inf) = inf, log(nan) = nan.  No warnings are emitted.
    """
    a, shape = _prep(x)
    return _finish(_blockwise(_log_kernel, a), shape)


@_quiet
def log1p(x: ArrayLike) -> Any:
    """log(1 + x), accurate also for tiny |x|, bit-reproducible.

    Parameters
    ----------
    x : float or array_like
        Argument, converted to float64.

    Returns
    -------
    np.float64 or np.ndarray of float64, shape of ``x``.
        Error < 0.52 ulp measured (at most 1 ulp from ``math.log1p`` in the tests).
        log1p(+-0) = +-0, log1p(-1) = -inf, log1p(x < -1) = nan,
        log1p(inf) = inf, log1p(nan) = nan.
    """
    a, shape = _prep(x)
    return _finish(_blockwise(_log1p_kernel, a), shape)


@_quiet
def power(x: ArrayLike, y: ArrayLike) -> Any:
    """x**y with broadcasting, bit-reproducible.

    Parameters
    ----------
    x, y : float or array_like
        Base and exponent, converted to float64 and broadcast together.

    Returns
    -------
    np.float64 or np.ndarray of float64, broadcast shape of ``x`` and ``y``.
        For x > 0: error < 0.52 ulp measured, over the whole range (the logarithm is
        carried in double-double, so a large |y * log x| does not amplify the
        error); at most 1 ulp from ``math.pow`` in the tests.  Special values
        follow C99 Annex F (and numpy): x**0 = 1 and 1**y = 1 even for nan;
        (+-0)**y = 0 for y > 0 and inf for y < 0, (-0)**y and (-inf)**y keep
        the sign for odd integer y; x < 0 gives (-1)**y * |x|**y for integer y
        and nan otherwise; y = +-inf and x = +-inf as in C99; other nan -> nan.
    """
    xa = np.asarray(x)
    ya = np.asarray(y)
    if xa.dtype.kind == "c" or ya.dtype.kind == "c":
        raise TypeError("detmath functions are real-valued; got a complex argument")
    xb, yb = np.broadcast_arrays(np.asarray(xa, dtype=F64), np.asarray(ya, dtype=F64))
    xf = np.ascontiguousarray(xb).reshape(-1)
    yf = np.ascontiguousarray(yb).reshape(-1)
    return _finish(_blockwise(_pow_kernel, xf, yf), xb.shape)


@_quiet
def ndtri(p: ArrayLike) -> Any:
    """Inverse of the standard normal CDF (probit), bit-reproducible.

    Wichura's algorithm AS 241 (PPND16): M. J. Wichura, "Algorithm AS 241: The
    Percentage Points of the Normal Distribution", Applied Statistics 37(3),
    477-484 (1988).  Rational approximations of degree 7/7 in three regions
    (|p - 1/2| <= 0.425; r = sqrt(-log(min(p, 1-p))) <= 5; r > 5) with the
    published coefficients (approximation error about 1e-16 relative); ``log``
    is this module's.

    Parameters
    ----------
    p : float or array_like
        Probability, converted to float64.

    Returns
    -------
    np.float64 or np.ndarray of float64, shape of ``p``.
        x with Phi(x) = p (standard normal quantile, in standard deviations).
        ndtri(0) = -inf, ndtri(1) = inf; p < 0, p > 1 or nan -> nan.
        Rounding in the double-precision evaluation of the rationals gives a
        few ulp: relative difference <= 1.1e-15 from scipy.special.ndtri for p
        in [1e-300, 1 - 1e-16] in the tests (also for subnormal p).
    """
    a, shape = _prep(p)
    return _finish(_blockwise(_ndtri_kernel, a), shape)
