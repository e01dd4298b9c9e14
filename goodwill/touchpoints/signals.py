"""What happens to touches that other capabilities act on, without touchpoints depending on them.

Receivers run inside the change's transaction, so what they write stands or falls with it.
"""

from django.dispatch import Signal

# A touch was logged (`interaction`, `people`: the contacts who took part), e.g. a call that
# working agreements check against the agreed calling hours.
interaction_logged = Signal()
