"""A short, bounded load test (loopback only): concurrent clients on the JSON API and on Gradio's API get every
answer; the full 20-client, 60-second run is `make bench` (evals/reports/load.md)."""

import psutil
import pytest

from assistant.loadtest import run_load
from tests.test_browser import running

pytestmark = pytest.mark.slow


def test_concurrent_clients_all_get_answers(shipped):
    with running(shipped) as url:
        run_load(url, clients=2, seconds=2)  # warm-up
        rss_before = psutil.Process().memory_info().rss
        results, elapsed = run_load(url, clients=8, seconds=8, max_requests=400)
        rss_after = psutil.Process().memory_info().rss
    for kind, result in results.items():
        assert result.latencies_ms, kind
        assert result.failures == [], result.failures[:3]
    assert elapsed < 60
    assert (rss_after - rss_before) / 2**20 < 300


def test_load_tests_refuse_other_hosts():
    with pytest.raises(ValueError, match="only target this machine"):
        run_load("http://192.0.2.10:7860", clients=1, seconds=1)
