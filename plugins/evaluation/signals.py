"""What the plugin registers with the core when it starts: sweeps, a notification kind,
audit actions."""

from __future__ import annotations

import datetime as dt

from cms.services import audit, notifications, schedule

ACTIONS = {
    "evaluation.run": "运行网站考评",
}


def connect(settings: dict) -> None:
    from . import tasks

    schedule.register_sweep(
        "evaluation.inspect_all", tasks.inspect_all, every=settings["INSPECT_AT"]
    )
    schedule.register_sweep("evaluation.probe", tasks.probe_sites,
                            every=dt.timedelta(minutes=float(settings["PROBE_SWEEP_MINUTES"])))  # fmt: skip
    notifications.register_kind("evaluation.findings", "网站考评发现问题")
    for action, label in ACTIONS.items():
        audit.register_action(action, label)
