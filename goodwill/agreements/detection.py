"""Breaches detected from logged touches (a call at 21:10, a message on a ruled-out channel).

Registered from AgreementsConfig.ready(). The receiver runs inside interaction_log's
transaction, in a savepoint of its own: whatever goes wrong here is logged and rolled back to
the savepoint, and the touch is logged all the same. The rules are in breaches.py.
"""

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from goodwill.agreements.breaches import breaches_detect
from goodwill.people.models import Contact
from goodwill.touchpoints.models import Interaction
from goodwill.touchpoints.signals import interaction_logged

logger = logging.getLogger("goodwill.agreements")


def on_interaction_logged(
    sender: object, *, interaction: Interaction, people: Sequence[Contact], **kwargs: Any
) -> None:
    try:
        with transaction.atomic():
            breaches_detect(interaction, people)
    except Exception:
        # Detecting a breach is a courtesy; logging the touch is the user's record.
        logger.exception("Breach detection failed for interaction %s", interaction.pk)


interaction_logged.connect(on_interaction_logged, dispatch_uid="agreements-breaches")
