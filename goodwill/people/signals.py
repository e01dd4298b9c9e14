"""What happens to people that other capabilities act on, without people depending on them.

Receivers run inside the change's transaction, so what they write stands or falls with it.
"""

from django.dispatch import Signal

# A contact was introduced by another (`contact`, `introducer`): a thank-you is owed.
contact_introduced = Signal()

# `other` was merged into `keep` (`keep`, `other_id`): derived figures of `keep` are stale.
contacts_merged = Signal()
