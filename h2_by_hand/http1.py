"""HTTP/1.1, served minimally: GET and HEAD, one request after another on a connection
(keep-alive), for a client that does not offer h2 (a health check, the bench's HTTP/1.1
baseline), and POST /upload with a Content-Length. No chunked bodies (411), no pipelining,
no upgrade to h2c.

Limits: a request head within the stream reader's limit (server.py; 431 beyond), and
arriving within `patience` seconds of the connection, or of the previous response; a body
(a GET has none) is read and dropped up to MAX_BODY, else 413.
"""

import asyncio

from responses import Response, respond, takes_body, text, uploaded

from website import upload

MAX_BODY = 1_048_576
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 411: "Length Required",
           413: "Content Too Large",
           431: "Request Header Fields Too Large", 505: "HTTP Version Not Supported"}  # fmt: skip


async def serve(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str, patience: float, waiting: set
) -> None:
    """Requests until the client closes, asks to, goes quiet, or sends what this cannot read.
    While it waits for a request, the connection is in `waiting` (server.py closes those to stop)."""
    while True:
        waiting.add(writer)
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), patience)
        except asyncio.LimitOverrunError:
            await reply(writer, peer, "-", text(431, "request head too large\n", []), False, patience)
            return
        except (asyncio.IncompleteReadError, TimeoutError):
            return  # closed, or quiet too long: nothing to answer
        finally:
            waiting.discard(writer)
        request_line, *lines = head.decode("latin-1").split("\r\n")
        parts = request_line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            refused = text(505, "HTTP/1.1 only\n", []) if len(parts) == 3 else text(400, "not a request\n", [])
            await reply(writer, peer, request_line[:80], refused, False, patience)
            return
        method, target, version = parts
        headers = dict(header(line) for line in lines if line)
        if takes_body(method, target):
            response, keep_alive = await read_upload(reader, headers, patience)
            await reply(writer, peer, request_line, response, keep_alive, patience)
            if not keep_alive:
                return
            continue
        if not await body_dropped(reader, headers, patience):
            await reply(writer, peer, request_line, text(413, "a GET has no body\n", []), False, patience)
            return
        keep_alive = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        await reply(writer, peer, request_line, respond(method, target, "HTTP/1.1"), keep_alive, patience)
        if not keep_alive:
            return


def header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip().lower(), value.strip()


async def read_upload(reader: asyncio.StreamReader, headers: dict[str, str], patience: float) -> tuple[Response, bool]:
    """POST /upload: the body counted and hashed as it arrives, each read within `patience`;
    refused (and the connection closed after the answer) when chunked, or over the limit."""
    length = headers.get("content-length", "")
    if "transfer-encoding" in headers or not length.isdigit():
        return text(411, "a Content-Length, please (no chunked bodies here)\n", []), False
    if upload.declared_too_large(length):
        return uploaded(None, "HTTP/1.1"), False
    received, left = upload.Received(), int(length)
    while left:
        chunk = await asyncio.wait_for(reader.read(min(left, 65_536)), patience)
        if not chunk:
            raise ConnectionError("the client closed before its body's end")
        received.add(chunk)
        left -= len(chunk)
    return uploaded(received, "HTTP/1.1"), True


async def body_dropped(reader: asyncio.StreamReader, headers: dict[str, str], patience: float) -> bool:
    """Read and drop a Content-Length body; False for a chunked one, or one larger than MAX_BODY."""
    length = headers.get("content-length", "0")
    if "transfer-encoding" in headers or not length.isdigit() or int(length) > MAX_BODY:
        return False
    if int(length):
        await asyncio.wait_for(reader.readexactly(int(length)), patience)
    return True


async def reply(
    writer: asyncio.StreamWriter, peer: str, request_line: str, response: Response, keep_alive: bool, patience: float
) -> None:
    status_line = f"HTTP/1.1 {response.status} {REASONS.get(response.status, '')}"
    fields = [*response.headers, ("connection", "keep-alive" if keep_alive else "close")]
    head = "\r\n".join([status_line, *(f"{name}: {value}" for name, value in fields)]) + "\r\n\r\n"
    writer.write(head.encode("latin-1") + response.body)
    await asyncio.wait_for(writer.drain(), patience)
    print(f'{peer} "{request_line}" {response.status} {len(response.body)}', flush=True)
