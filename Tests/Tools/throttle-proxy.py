#!/usr/bin/env python3
"""A TCP proxy that forwards a server's answers at a limited rate, for tests of what a player does when
the network is slow or drops: `throttle-proxy.py LISTEN_PORT TARGET_PORT BYTES_PER_SECOND`.
LISTEN_PORT 0 picks a free port. Prints "ready PORT" once listening. Kill it to cut every connection."""

import asyncio
import sys


async def pipe(reader, writer, rate):
    chunk = max(1024, rate // 20)
    try:
        while data := await reader.read(chunk):
            writer.write(data)
            await writer.drain()
            if rate:
                await asyncio.sleep(len(data) / rate)
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main():
    listen, target, rate = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, 0), pipe(server_reader, client_writer, rate))

    server = await asyncio.start_server(handle, "127.0.0.1", listen, reuse_address=True)
    print("ready", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
