"""Email templates: marketers (and admins) write them and send tests; managers read and
preview them. A mixin of MarketingService (it provides db, principal)."""
from services.chassis.rpc import rpc  # replies without confirms
from services.marketing import roles
from services.marketing.templates import handlers


class TemplateEntrypoints:
    @rpc
    def create_template(self, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.create_template(uow, principal, data)

    @rpc
    def update_template(self, template_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.update_template(uow, principal, template_id, data)

    @rpc
    def delete_template(self, template_id):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.delete_template(uow, principal, template_id)

    @rpc
    def get_template(self, template_id):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.get_template(session, principal, template_id)

    @rpc
    def list_templates(self, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.list_templates(session, principal, query)

    @rpc
    def preview_template(self, template_id, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.preview_template(session, principal, template_id, query)

    @rpc
    def send_test_template(self, template_id, data):
        """Rendered in a read-only session, sent after it closed (no connection held while
        the SMTP server answers)."""
        principal = self.principal.require(*roles.MANAGE)
        with self.db.read_only() as session:
            values, message = handlers.render_test(session, principal, template_id, data)
        return handlers.send_test(values, template_id, message)
