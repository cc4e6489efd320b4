"""Abitare microservice chassis: the one shared, domain-free library.

Modules, from the outside in:

- :mod:`config`    settings from the environment with embedded defaults
- :mod:`actor`     the signed actor context carried by every RPC call and event
- :mod:`envelope`  the CloudEvents 1.0 envelope with our extensions, signed
- :mod:`errors`    typed errors a service raises and the gateway maps to HTTP
- :mod:`types`     ``UtcDateTime``, the one date-time column type (aware UTC on every database)
- :mod:`database`  ``Db``: transactions, ``emit`` into the outbox, idempotent caused transactions
- :mod:`tables`    the outbox and inbox tables every service database holds
- :mod:`outbox`    the relay that publishes committed events with confirms; unheard/stuck metrics
- :mod:`rpc`       the ``rpc`` entrypoint: verified actor first, safe answers
- :mod:`handlers`  the ``event_handler`` entrypoint: verified, idempotent, retried, dead-lettered
- :mod:`provider`  the ``Database`` dependency provider and its outbox relay loop
- :mod:`headers`   the AMQP headers of retried and dead-lettered messages
- :mod:`migrate`   Alembic helpers shared by the services' migration environments
- :mod:`run`       ``abitare-service``: run one service with configuration from the environment
- :mod:`broker`    ``abitare-broker``: declare the definitions, inspect and replay dead letters
- :mod:`testing`   pytest fixtures (``testing.plugin``, loaded explicitly), the eventlet patch
                   plugin (``testing.eventlet_patch``), private RabbitMQ nodes, running services
"""
