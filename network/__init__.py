"""The lab's far network: a user-space packet loop, in the way of Mahimahi's mm-delay, mm-link, mm-loss.

    python3 -m network.plumbing          root: the TUNs, policy routes and nftables rules
    python3 -m network                   the loop (as 10001): delay, rate and loss, each way
    python3 -m network set slow4g        a named profile (network/profiles.py), at once
    python3 -m network set --rtt 80 --down 10 --up 2 --loss 1 --queue 500
    python3 -m network show              the profile in force and the counters
    python3 -m network health            exit 0 when the loop answers

Every packet between a client and a far port (endpoints.far_routes()) crosses the loop, so
TCP and QUIC see real round trips, slow start and loss recovery. The profile starts as
$NETWORK_PROFILE (rtt50 unless set), or as the profile last set live (network/memory.py: kept
across the loop's restarts); GET https://network:9440/profile shows it, read-only.
"""
