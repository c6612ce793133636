"""Money as whole cents. Prices are kept as decimals in the booking setup (dollars and cents a
person types); every amount that moves is converted here once, to an int, and stays one."""

from decimal import ROUND_HALF_UP, Decimal

CURRENCY = "usd"


def to_cents(amount: Decimal | int | str) -> int:
    """Dollars (a Decimal, or a string a person typed) to whole cents, rounding half up."""
    if isinstance(amount, float):
        raise TypeError("Money is never a float: pass a Decimal, an int of dollars or a string.")
    value = Decimal(amount) * 100
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dollars(cents: int) -> str:
    """Cents as the clinic writes money: $1,234.50, and −$20.00 for money going back."""
    sign = "−" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"
