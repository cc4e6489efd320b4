"""The broker side of partner deliveries: exchange ``partners.outbound`` (topic, the kind the
outbox relay declares) and one durable queue per partner, ``partner.<code>``, bound with the
routing key ``<code>`` (lowercase).

A partner's queue is declared when it is subscribed or sent a referral, and again for every
active subscription (and every partner with referrals) whenever the service starts (a broker
rebuilt from scratch gets them back), so every delivery is kept until the partner takes it.
Until a queue exists the relay keeps the event pending.
"""

from __future__ import annotations

from functools import partial

from kombu import Connection, Queue
from nameko.extensions import DependencyProvider
from sqlalchemy import select

from abitare_chassis.outbox import topic_exchange
from abitare_chassis.provider import Database

from .models import PartnerReferral, Subscription

OUTBOUND_EXCHANGE = "partners.outbound"


def routing_key(partner_code: str) -> str:
    return partner_code.lower()


def queue_name(partner_code: str) -> str:
    return f"partner.{routing_key(partner_code)}"


def partner_queue(partner_code: str) -> Queue:
    return Queue(
        queue_name(partner_code),
        exchange=topic_exchange(OUTBOUND_EXCHANGE),
        routing_key=routing_key(partner_code),
        durable=True,
    )


def declare_partner_queue(amqp_uri: str, partner_code: str) -> str:
    """Declare the exchange, the partner's queue and its binding (idempotent)."""
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        try:
            partner_queue(partner_code)(channel).declare()
        finally:
            channel.close()
    return queue_name(partner_code)


class PartnerQueues(DependencyProvider):
    """Injects ``declare(partner_code) -> queue name`` bound to the container's ``AMQP_URI``;
    declares the queues of the active subscriptions when the service starts."""

    def setup(self):
        self.amqp_uri = self.container.config["AMQP_URI"]

    def start(self):
        db = next(d.db for d in self.container.dependencies if isinstance(d, Database))
        with db.session() as session:
            codes = set(
                session.scalars(
                    select(Subscription.partner_code)
                    .distinct()
                    .where(Subscription.active.is_(True))
                )
            ) | set(  # partners with referrals get their withdrawals and case news there
                session.scalars(
                    select(PartnerReferral.partner_code)
                    .distinct()
                    .where(PartnerReferral.partner_code.is_not(None))
                )
            )
        for code in codes:
            declare_partner_queue(self.amqp_uri, code)

    def get_dependency(self, worker_ctx):
        return partial(declare_partner_queue, self.amqp_uri)
