"""A campaign's email broadcast: a marketer (or admin) starts it; marketers and managers follow
it. The timer paces it (dispatch.py) and the workers send the batches it releases, taken from
RabbitMQ by whichever replica is free (batches.py). A mixin of MarketingService."""
import logging

from services.chassis.models import utcnow
from services.chassis.periodic import periodic
from services.chassis.queues import bulk_event_handler    # on a queue of QUEUE_TYPE
from services.chassis.rpc import rpc
from services.marketing import roles, settings
from services.marketing.sending import batches, dispatch, recipients, start

log = logging.getLogger(__name__)


class SendingEntrypoints:
    @rpc
    def start_campaign_send(self, campaign_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return start.start_send(uow, principal, campaign_id, data)

    @rpc
    def get_campaign_send(self, campaign_id):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return recipients.get_send(session, principal, campaign_id)

    @rpc
    def list_campaign_recipients(self, campaign_id, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return recipients.list_recipients(session, principal, campaign_id, query)

    @bulk_event_handler("marketing", "campaign_send_batch_released")
    def on_campaign_send_batch_released(self, envelope):
        """Marketing's own fan-out: any replica sends any batch (once per contact: batches.py).
        A batch takes minutes: at most BULK_WORKERS of them at once per process, so the
        marketing API keeps answering during a send."""
        payload = envelope["payload"]
        sent = batches.send_batch(self.db, payload["campaign_id"], payload["batch"])
        log.info("broadcast %s batch %s: %s sent", payload["campaign_id"], payload["batch"], sent)

    @periodic(settings.send_tick_seconds)
    def advance_sends(self):
        with self.db.read_only() as session:
            active = dispatch.active(session)
        for campaign_id in active:
            with self.db.unit_of_work() as uow:
                dispatch.advance(uow, campaign_id, utcnow())
