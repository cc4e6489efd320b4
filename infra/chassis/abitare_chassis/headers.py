"""The AMQP headers the chassis sets on a message it forwards to a retry or dead-letter queue
(:mod:`handlers`) and reads when it replays one (:mod:`broker`)."""

RETRIES_HEADER = "x-abitare-retries"  # how many times the handler was retried
ERROR_HEADER = "x-abitare-error"  # the last error, "<class>: <message>"
ORIGIN_QUEUE_HEADER = "x-abitare-origin-queue"  # the handler queue the message came from
FORWARDED_AT_HEADER = "x-abitare-forwarded-at"  # when it was forwarded (ISO, UTC)
