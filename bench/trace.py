"""make bench TRACE=1: the evidence behind each upload and many-streams case, kept under the
run's folder in traces/, with one picture per case.

    upload-PORT-PROTOCOL-PROFILE.json/.png  HTTP/2: every DATA frame the client sent and every
                                            WINDOW_UPDATE; the picture, bytes sent against the
                                            window the server had opened, against time
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
    """The client's sends against the server's window: the gap between the lines is what the
    client could still send; where they meet, it waits a round trip for a WINDOW_UPDATE."""
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "initial_window": flow.initial_window,
        "sent": [{"ms": round(at * 1000, 2), "bytes": size} for at, size in flow.sent],
        "window_updates": [
            {"ms": round(u.at * 1000, 2), "stream": u.stream, "increment": u.increment} for u in flow.updates
        ],
    }
    (folder / f"{name}.json").write_text(json.dumps(record))
    figure, axes = plt.subplots(figsize=(10, 4.8))
    sent_total, sent_line = 0, []
    for at, size in flow.sent:
        sent_total += size
        sent_line.append((at * 1000, sent_total / 1e6))
    opened, opened_line = flow.initial_window, [(0.0, flow.initial_window / 1e6)]
    for update in (u for u in flow.updates if u.stream):
        opened += update.increment
        opened_line.append((update.at * 1000, opened / 1e6))
    if sent_line:
        axes.plot(*zip(*sent_line, strict=True), drawstyle="steps-post", label="body bytes sent")
    axes.plot(*zip(*opened_line, strict=True), drawstyle="steps-post", label="stream window opened (MB)")
    axes.scatter([x for x, _ in opened_line[1:]], [y for _, y in opened_line[1:]], s=6, color="black", zorder=3,
                 label="WINDOW_UPDATE")  # fmt: skip
    top = sent_total / 1e6 * 1.2 if sent_total else 1
    axes.set_ylim(0, top)
    axes.set(xlabel="ms since the connection began", ylabel="MB", title=name)
    axes.legend(loc="upper left")
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
