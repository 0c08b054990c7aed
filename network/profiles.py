"""Network profiles: a few numbers each, like Mahimahi's shells, each naming its source."""

from dataclasses import asdict, dataclass

from network.link import LinkSettings

DEFAULT_QUEUE_PACKETS = 1000  # generous: a bottleneck that paces rather than drops


@dataclass(frozen=True)
class Profile:
    name: str
    rtt_ms: float = 0.0  # round trip added: half on the way up, half on the way down
    down_mbit: float = 0.0  # server → client; 0 is unlimited
    up_mbit: float = 0.0  # client → server; 0 is unlimited
    loss_percent: float = 0.0  # on each direction, independently
    queue_packets: int = DEFAULT_QUEUE_PACKETS  # drop-tail limit of each direction's rate queue

    def __post_init__(self) -> None:
        numbers = {"rtt_ms": self.rtt_ms, "down_mbit": self.down_mbit, "up_mbit": self.up_mbit}
        for field, value in numbers.items():
            if value < 0:
                raise ValueError(f"{field} must be 0 or more, not {value}")
        if not 0 <= self.loss_percent <= 100:
            raise ValueError(f"loss_percent must be between 0 and 100, not {self.loss_percent}")
        if self.queue_packets < 1:
            raise ValueError(f"queue_packets must be 1 or more, not {self.queue_packets}")

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def uplink(self) -> LinkSettings:
        return LinkSettings(self.rtt_ms / 2000, self.up_mbit, self.loss_percent, self.queue_packets)

    def downlink(self) -> LinkSettings:
        return LinkSettings(self.rtt_ms / 2000, self.down_mbit, self.loss_percent, self.queue_packets)

    def describe(self) -> str:
        return (
            f"{self.name}: RTT {self.rtt_ms:g} ms, down {_rate(self.down_mbit)}, up {_rate(self.up_mbit)}, "
            f"loss {self.loss_percent:g} % each way, queue {self.queue_packets} packets"
        )


def _rate(mbit: float) -> str:
    return f"{mbit:g} Mbit/s" if mbit else "unlimited"


PROFILES = {
    profile.name: profile
    for profile in (
        # Nothing added: the far ports behave like the near ones (plus the emulator's own cost).
        Profile("loopback"),
        # A wired LAN: about 1 ms round trip (an order of magnitude, no named preset).
        Profile("lan", rtt_ms=1),
        # The far network's default (the bench's RTT=50): delay only.
        Profile("rtt50", rtt_ms=50),
        # WebPageTest's "Cable" (www/settings/connectivity.ini.sample): 5/1 Mbps, 28 ms RTT, plr 0.
        Profile("cable", rtt_ms=28, down_mbit=5, up_mbit=1),
        # Lighthouse's "Slow 4G" (mobileSlow4G in core/config/constants.js, Chrome DevTools' preset
        # of the same name): 150 ms RTT, 1.6 Mbps down, 750 kbps up, no loss.
        Profile("slow4g", rtt_ms=150, down_mbit=1.6, up_mbit=0.75),
        # rtt50 with random loss on each direction: how each protocol recovers.
        Profile("loss1", rtt_ms=50, loss_percent=1),
        Profile("lossy", rtt_ms=50, loss_percent=2),
        Profile("loss5", rtt_ms=50, loss_percent=5),
    )
}
