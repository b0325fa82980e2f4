"""Email in and out (issue 12 §3): the inbound webhook (no principal — its shared secret is the
proof) and the timer that mails agents' public replies (outbound.py). A mixin of
ServiceDeskService (it provides db)."""
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc
from services.service_desk import settings
from services.service_desk.email_channel import inbound, outbound


class EmailEntrypoints:
    @rpc
    def receive_email(self, data, secret=None):
        inbound.check_secret(secret)
        with self.db.unit_of_work(actor=inbound.BY_MAIL.user_id) as uow:
            return inbound.receive(uow, data)

    @periodic(settings.email_send_seconds)
    def send_ticket_mail(self):
        return outbound.send_due(self.db)
