"""How the lab measures, shared by the bench and the tests: percentiles (stats), h2load's
output read back (h2load), and what a container has spent from its own cgroup (cgroup).
Nothing here talks to a server: the bench and the tests run the tools, this reads them."""
