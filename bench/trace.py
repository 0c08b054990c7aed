"""make bench TRACE=1: the evidence behind each upload and many-streams case, kept under the
run's folder in traces/, with one picture per case.

    upload-PORT-PROTOCOL-PROFILE.json/.png  HTTP/2: every DATA frame the client sent and every
                                            WINDOW_UPDATE; the picture, bytes sent against the
                                            window the server had opened, and below, what the
                                            client could still send (0: it waits on the server)
    qlog/                                   HTTP/3: aioquic's qlog of each upload (open in qvis)
    streams-CASE-PORT[-SIGNAL].json/.png    the frame log: every DATA frame received; the
                                            picture, one row per response, a tick per frame
"""

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from clients.h2_order import FrameLog  # noqa: E402
from clients.upload import FlowControl  # noqa: E402


def upload_trace(flow: FlowControl, name: str, folder: Path) -> None:
    """The client's sends against the server's window, in time; below, the gap between them:
    what the client could still send. Where it is 0, the client waits for a WINDOW_UPDATE."""
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "initial_window": flow.initial_window,
        "sent": [{"ms": round(at * 1000, 2), "bytes": size} for at, size in flow.sent],
        "window_updates": [
            {"ms": round(u.at * 1000, 2), "stream": u.stream, "increment": u.increment} for u in flow.updates
        ],
    }
    (folder / f"{name}.json").write_text(json.dumps(record))
    events = sorted(
        [(at, size, 0) for at, size in flow.sent] + [(u.at, 0, u.increment) for u in flow.updates if u.stream]
    )
    sent = opened = 0
    times, sent_mb, opened_mb, left_kb = [0.0], [0.0], [flow.initial_window / 1e6], [flow.initial_window / 1024]
    opened = flow.initial_window
    for at, size, increment in events:
        sent, opened = sent + size, opened + increment
        times.append(at * 1000)
        sent_mb.append(sent / 1e6)
        opened_mb.append(min(opened, 2 * max(sent, 1)) / 1e6)  # nginx opens it to 2^31-1: kept on the chart
        left_kb.append((opened - sent) / 1024)
    figure, (total, left) = plt.subplots(2, 1, figsize=(10, 6.4), sharex=True)
    total.plot(times, opened_mb, drawstyle="steps-post", label="stream window opened by the server")
    total.plot(times, sent_mb, drawstyle="steps-post", label="body bytes the client sent")
    total.set(ylabel="MB", title=f"{name}: the body against the server's flow-control window")
    total.legend(loc="upper left")
    left.plot(times, [min(kb, 4 * flow.initial_window / 1024) for kb in left_kb], drawstyle="steps-post", lw=0.6)
    left.set(xlabel="ms since the connection began", ylabel="KB the client may still send")
    figure.tight_layout()
    figure.savefig(folder / f"{name}.png", dpi=100)
    plt.close(figure)


def streams_trace(log: FrameLog, name: str, folder: Path) -> None:
    """One row per response, a tick for each DATA frame, as long as the frame."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps({"frames": log.as_trace(), **log.summary()}))
    rows = {stream: index for index, stream in enumerate(log.paths)}
    figure, axes = plt.subplots(figsize=(10, max(3, 0.12 * len(rows) + 1.5)))
    axes.scatter(
        [frame.at * 1000 for frame in log.frames],
        [rows[frame.stream] for frame in log.frames],
        s=[max(4, frame.length / 500) for frame in log.frames],
        marker="|",
    )
    labels = [log.paths[stream].rsplit("/", 1)[-1] for stream in rows]
    axes.set_yticks(range(len(labels)), labels, fontsize=6 if len(labels) > 20 else 9)
    axes.invert_yaxis()
    axes.set(xlabel="ms since the requests were sent", title=f"{name}: DATA frames received, per response")
    figure.tight_layout()
    figure.savefig(folder / f"{name}.png", dpi=100)
    plt.close(figure)
