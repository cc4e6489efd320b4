"""pytest plugin that applies eventlet's monkey patch before the conftests and test modules are
imported: what a test run hosting nameko containers (``service_runner``) or nameko's standalone
proxies needs. Nothing loads it implicitly: ask for it with
``pytest -p abitare_chassis.testing.eventlet_patch`` (the repository's ``pytest.ini`` does), and
block it with ``-p no:abitare_chassis.testing.eventlet_patch`` for a run that must not be patched
(Playwright's sync API hangs under the patch: ``infra/scripts/test.sh``)."""

from __future__ import annotations

import warnings


def pytest_load_initial_conftests(early_config, parser, args):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")
        import eventlet
    eventlet.monkey_patch()


def patched() -> bool:
    from eventlet import patcher

    return all(patcher.is_monkey_patched(name) for name in ("socket", "thread"))
