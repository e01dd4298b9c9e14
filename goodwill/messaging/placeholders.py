"""Message templates, rendered by Django's template engine in a sandbox.

A template may hold text and the documented placeholders, such as `{{ name }}`, optionally with
one of a few harmless filters (`{{ member_name|upper }}`). Tags, lookups into objects
(`{{ contact.email }}`), unknown names and other filters are refused when the template is saved
and again when it is rendered, with the offending placeholder named. The values are plain
strings, so nothing else of the database can leak into a message.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Node, TextNode, Variable, VariableNode

from goodwill.accounts.models import User, Workspace
from goodwill.people.models import CircleMember, Contact

PLACEHOLDERS = {
    "name": "what you call them: their nickname, or else their first name",
    "first_name": "their first name",
    "nickname": "their nickname",
    "full_name": "their first and last name",
    "member_name": "the name of the person in their circle (a family birthday)",
    "member_relation": "how that person is related to them, e.g. child",
    "occasion": "the occasion, e.g. birthday",
    "about": "what a thank-you or follow-up is for, e.g. the spring catalogue order",
    "my_name": "your name",
    "my_signature": "your name and your business's",
    "business": "your business's name",
}
FILTERS = {"upper", "lower", "title", "capfirst"}

# No tags at all (only the default filters are loaded), no HTML escaping: messages are text.
ENGINE = Engine(builtins=["django.template.defaultfilters"], autoescape=False)


@dataclass(frozen=True)
class Values:
    """The placeholders' values for one message."""

    values: dict[str, str]

    @classmethod
    def of(
        cls,
        contact: Contact,
        user: User,
        *,
        occasion: str = "",
        member: CircleMember | None = None,
        about: str = "",
    ) -> "Values":
        workspace: Workspace = contact.workspace
        my_name = user.name or user.email
        return cls(
            {
                "name": contact.greeting_name,
                "first_name": contact.first_name,
                "nickname": contact.nickname,
                "full_name": f"{contact.first_name} {contact.last_name}".strip(),
                "member_name": member.name if member else "",
                "member_relation": member.get_relation_display().lower() if member else "",
                "occasion": occasion,
                "about": about,
                "my_name": my_name,
                "my_signature": f"{my_name}\n{workspace.name}",
                "business": workspace.name,
            }
        )


def _check_node(node: Node) -> str | None:
    """The placeholder a node uses, or ValidationError if it is not allowed."""
    if isinstance(node, TextNode):
        if "{{" in node.s or "}}" in node.s:
            raise ValidationError("A placeholder is not closed: write it as {{ name }}.")
        return None
    if not isinstance(node, VariableNode):
        raise ValidationError("Only text and placeholders such as {{ name }} are allowed.")
    expression = node.filter_expression
    variable = expression.var
    if not isinstance(variable, Variable) or variable.lookups is None:
        raise ValidationError(f"“{{{{ {expression.token} }}}}” is not a placeholder.")
    name = ".".join(variable.lookups)
    if len(variable.lookups) != 1 or name not in PLACEHOLDERS:
        raise ValidationError(
            f"{{{{ {name} }}}} is not a placeholder; use one of "
            + ", ".join(f"{{{{ {p} }}}}" for p in PLACEHOLDERS)
            + "."
        )
    for function, _ in expression.filters:
        filter_name = getattr(function, "_filter_name", function.__name__)
        if filter_name not in FILTERS:
            raise ValidationError(f"The filter “{filter_name}” in {{{{ {name} }}}} is not allowed.")
    return name


def placeholders_in(text: str) -> list[str]:
    """The placeholders *text* uses, in order; ValidationError names anything else."""
    if "{%" in text:
        raise ValidationError(
            "Only text and placeholders such as {{ name }} are allowed, no {% … %}."
        )
    try:
        template = ENGINE.from_string(text)
    except TemplateSyntaxError as error:
        raise ValidationError(f"The template cannot be read: {error}") from None
    used = []
    for node in template.nodelist:
        name = _check_node(node)
        if name and name not in used:
            used.append(name)
    return used


def render(text: str, values: Values) -> str:
    """*text* with its placeholders filled; ValidationError names a placeholder without a value
    for this contact (nothing is sent with a gap in it)."""
    for name in placeholders_in(text):
        if not values.values.get(name, "").strip():
            raise ValidationError(
                f"{{{{ {name} }}}} ({PLACEHOLDERS[name]}) has no value here: "
                "choose another template, or write it in."
            )
    # The Context's own autoescape, not only the engine's, decides: off, or "O'Brien & Co" would
    # reach a plain-text message as "O&#x27;Brien &amp; Co".
    return ENGINE.from_string(text).render(Context(values.values, autoescape=False))


def unfilled(text: str) -> bool:
    """Whether a message still holds template syntax (an unfilled placeholder)."""
    return "{{" in text or "{%" in text or "}}" in text
