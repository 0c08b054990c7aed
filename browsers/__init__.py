"""The lab in the audience's own browsers: `make browser`, `make trust`, `make untrust`.

    python3 -m browsers open [--browser chromium|chrome|firefox] [--url URL] [--headless]
    python3 -m browsers trust | untrust

`open` starts the person's real browser with a profile that belongs to the lab: its CA
trusted in that profile only, HTTP/3 where the lab offers it, nothing sent elsewhere.
Headless, it loads the race and prints what the page reported, as JSON (the tests use it).
`trust` adds the CA to this machine's stores, as mkcert does, and `untrust` removes exactly
what it added. Neither changes anything that `open` needs: its profiles trust on their own.
"""
