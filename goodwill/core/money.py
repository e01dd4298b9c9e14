"""Money: exact decimals with an ISO 4217 currency, checked against the currencies in use today
(Babel's CLDR data) and written the way the reader's language writes them."""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.numbers import format_currency, get_territory_currencies
from django.core.exceptions import ValidationError
from django.utils import timezone

MAX_AMOUNT = Decimal("9999999999.99")  # what a 12-digit, 2-place column holds


@cache
def currencies() -> frozenset[str]:
    """The codes legal tender somewhere today (153 or so; not XXX, not the Deutsche Mark)."""
    codes: set[str] = set()
    today = timezone.now().date()
    for territory in Locale("en").territories:
        if isinstance(territory, str) and territory.isalpha():
            codes.update(get_territory_currencies(territory, start_date=today))
    return frozenset(codes)


def check_currency(code: str, field: str = "currency") -> str:
    code = code.strip().upper()
    if code not in currencies():
        raise ValidationError(
            {field: f"{code or 'An empty code'} is not a currency code such as EUR or USD."}
        )
    return code


def check_amount(value: object, field: str = "amount") -> Decimal:
    """A non-negative amount with at most two decimals (cents), as an exact Decimal."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: "Give the amount as a number, e.g. 1250.50."}) from None
    if not amount.is_finite():
        raise ValidationError({field: "Give the amount as a number, e.g. 1250.50."})
    if amount < 0:
        raise ValidationError({field: "The amount cannot be negative."})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: "That amount is too large."})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: "Give at most two decimals."})
    return amount.quantize(Decimal("0.01"))


def money(amount: Decimal | None, currency: str, locale: str = "en") -> str:
    if amount is None:
        return "—"
    return format_currency(amount, currency, locale=locale)


def choices(first: str = "") -> list[tuple[str, str]]:
    """Currency codes for a select, *first* (the workspace's) at the top."""
    codes = sorted(currencies())
    if first in currencies():
        codes.remove(first)
        codes.insert(0, first)
    return [(code, code) for code in codes]


def by_currency(rows: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Totals per currency, never one total over several."""
    totals: dict[str, Decimal] = {}
    for currency, amount in rows:
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    return totals
