"""The templates Goodwill ships: a good first draft for every occasion."""

from goodwill.messaging.models import Occasion

DEFAULTS: list[tuple[str, str, str, str]] = [
    (
        Occasion.BIRTHDAY,
        "Happy birthday",
        "Happy birthday, {{ name }}!",
        "Dear {{ name }},\n\nHappy birthday! I hope you have a wonderful day and a great year "
        "ahead.\n\nWarm wishes,\n{{ my_signature }}",
    ),
    (
        Occasion.CIRCLE_BIRTHDAY,
        "A birthday in their family",
        "Happy birthday to {{ member_name }}",
        "Dear {{ name }},\n\nI hear {{ member_name }} has a birthday coming up. Please pass on "
        "my warmest wishes!\n\nAll the best,\n{{ my_signature }}",
    ),
    (
        Occasion.THANK_YOU,
        "Thank you",
        "Thank you, {{ name }}",
        "Dear {{ name }},\n\nThank you for {{ about }}. It means a lot to me, and I look forward "
        "to working with you again.\n\nWith thanks,\n{{ my_signature }}",
    ),
    (
        Occasion.APOLOGY,
        "An apology",
        "I am sorry, {{ name }}",
        "Dear {{ name }},\n\nI am sorry about what happened. You deserved better from me. Here "
        "is what I am doing to put it right:\n\n\n\nThank you for your patience.\n"
        "{{ my_signature }}",
    ),
    (
        Occasion.FOLLOW_UP,
        "Thanks even so",
        "Thank you for considering us, {{ name }}",
        "Dear {{ name }},\n\nThank you for taking the time to consider {{ business }} for "
        "{{ about }}. I understand it was not the right moment. If anything changes, or if I "
        "can help in another way, I am here.\n\nKind regards,\n{{ my_signature }}",
    ),
    (
        Occasion.CHECK_IN,
        "Checking in",
        "How are things, {{ name }}?",
        "Hi {{ name }},\n\nIt has been a while, and I was thinking of you. How are things going? "
        "I would love to hear how you are.\n\nBest,\n{{ my_signature }}",
    ),
    (
        Occasion.BOUNDARY,
        "A gentle reminder",
        "A small reminder, {{ name }}",
        "Hi {{ name }},\n\nA friendly reminder of what we agreed: {{ about }}. It helps me give "
        "you my best work. Thank you for understanding!\n\nBest,\n{{ my_signature }}",
    ),
    (
        Occasion.BOUNDARY,
        "A clearer reminder",
        "About what we agreed, {{ name }}",
        "Hi {{ name }},\n\nI need to come back to what we agreed: {{ about }}. It has happened "
        "again, and it makes it hard for me to do my best work for you. Can we keep to it from "
        "now on?\n\nThank you,\n{{ my_signature }}",
    ),
]
