"""The organisers' side of prizes and draws: every step behind a confirmation page.

The seed never appears here before the draw has run: it is in no form, list, read-only
field or history entry (``Draw.seed`` is not editable and no admin field names it).
Shipping addresses appear only in the fulfilment CSV, for staff with the
``rewards.view_shipping_address`` permission.
"""

from .draws import DrawAdmin
from .prizes import PrizeAdmin

__all__ = ["DrawAdmin", "PrizeAdmin"]
