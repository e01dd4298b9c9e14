"""Keeping the customer informed (E4): one e-mail per change, never the notes."""

from goodwill.care import services
from goodwill.care.models import Status
from goodwill.core.testing import GoodwillTestCase
from goodwill.messaging.models import OutgoingMessage
from goodwill.people import services as people
from goodwill.people.services import Labelled


class InformTests(GoodwillTestCase):
    def setUp(self):
        self.ada = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Ada",
            emails=[Labelled("", "ada@example.org")],
        )  # fmt: skip
        self.case = services.case_open(
            self.ada, actor=self.owner, type="complaint", subject="Broken mug"
        )

    def sent(self):
        return list(OutgoingMessage.objects.order_by("id").values_list("subject", "body"))

    def test_a_reply_with_a_status_change_is_one_e_mail_and_notes_never_leave(self):
        services.case_reply(
            self.case, actor=self.owner, body="A new mug leaves today.", public=True,
            status=Status.IN_PROGRESS,
        )  # fmt: skip
        services.case_reply(self.case, actor=self.owner, body="Supplier again", public=False)
        [(subject, body)] = self.sent()
        assert subject == "Case #1: being worked on"
        assert "A new mug leaves today." in body
        assert "Supplier" not in body
        services.case_set_status(self.case, Status.RESOLVED, actor=self.owner)
        assert self.sent()[-1][0] == "Case #1: resolved"

    def test_spam_and_duplicates_and_the_customer_s_own_moves_send_nothing(self):
        services.case_customer_message(self.case, body="Any news?")
        services.case_set_status(self.case, Status.CLOSED, actor=self.owner, reason="spam")
        other = services.case_open(self.ada, actor=self.owner, type="question", subject="Hours")
        services.case_set_status(other, Status.CLOSED, actor=self.owner, reason="duplicate")
        assert self.sent() == []

    def test_at_most_ten_an_hour_and_none_without_an_address(self):
        for number in range(12):
            services.case_reply(self.case, actor=self.owner, body=f"Update {number}", public=True)
        assert len(self.sent()) == services.INFORM_PER_HOUR
        nobody = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Nobody"
        )
        silent = services.case_open(nobody, actor=self.owner, type="question", subject="?")
        services.case_reply(silent, actor=self.owner, body="Answer", public=True)
        assert len(self.sent()) == services.INFORM_PER_HOUR
