"""Comparators named after the legal words, and plain-Chinese number formatting.

民法典 第一千二百五十九条: "以上、以下、以内、届满" include the number itself;
"不满、超过、以外" exclude it.  不少于 (not fewer than) and 不超过 (not more
than) are inclusive by their plain meaning; 达到 (reach) likewise.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

COMPARATORS: dict[str, Callable[[Fraction, Fraction], bool]] = {
    "以上": lambda v, t: v >= t,
    "不少于": lambda v, t: v >= t,
    "达到": lambda v, t: v >= t,
    "超过": lambda v, t: v > t,
    "以下": lambda v, t: v <= t,
    "不超过": lambda v, t: v <= t,
    "不满": lambda v, t: v < t,
}


def compare(comparator: str, value: Fraction, threshold: Fraction) -> bool:
    return COMPARATORS[comparator](value, threshold)


def phrase(comparator: str, amount: str) -> str:
    """``("以上", "30%")`` -> ``30%以上``; ``("超过", "60%")`` -> ``超过60%``."""
    if comparator in ("以上", "以下"):
        return f"{amount}{comparator}"
    if comparator == "达到":
        return f"达到{amount}"
    return f"{comparator}{amount}"


def needed(comparator: str, threshold: Fraction, denominator: int) -> int | None:
    """Smallest numerator n with n/denominator meeting a lower-bound comparator."""
    if denominator <= 0 or comparator not in ("以上", "不少于", "达到", "超过"):
        return None
    product = threshold * denominator
    if comparator == "超过":
        return math.floor(product) + 1
    return math.ceil(product)


def fmt_number(value: Fraction | int | float) -> str:
    """Exact decimal text, rounded half-up to one decimal: 4 -> "4", 3/2 -> "1.5"."""
    dec = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(
        str(value))
    dec = dec.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = format(dec, "f")
    return text[:-2] if text.endswith(".0") else text


def fmt_percent(value: Fraction, digits: int = 1) -> str:
    """3/10 -> "30%"; 2/3 -> "66.7%" (rounded half-up)."""
    dec = Decimal(value.numerator * 100) / Decimal(value.denominator)
    dec = dec.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = format(dec, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def fmt_amount(value: Fraction, unit: str) -> str:
    return fmt_percent(value) if unit == "%" else f"{fmt_number(value)}{unit}"
