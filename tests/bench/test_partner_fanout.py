"""The partner fan-out bench (tests/bench/partner_fanout.py) with 50 events, in ``make test``
so it cannot rot: every partner's copy of every event arrives once per id, and the figures are
there. Its speed is reported by ``make bench``, never asserted."""

from tests.bench.partner_fanout import bench_partner_fanout


def test_partner_fanout_bench_runs(amqp_uri, tmp_path):
    figures = bench_partner_fanout(amqp_uri, tmp_path, events=50, timeout=180)
    assert figures["deliveries"] == 500  # 50 events x 10 partners, each id once
    assert figures["amqp_latency"]["n"] == figures["webhook_latency"]["n"] == 250
    assert figures["webhook_rejected"] == 0
    assert figures["deliveries_per_second"] > 0 and figures["ceiling_per_second"] > 0
