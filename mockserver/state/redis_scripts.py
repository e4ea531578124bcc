"""The Lua scripts every request runs, packed by hiredis and sent on the worker's one connection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hiredis import pack_command
from redis.exceptions import ConnectionError, NoScriptError, TimeoutError


class Script:
    """A script registered with redis-py (`client.register_script`), called the same way (`keys=`, `args=`).

    On a single-connection client each call is one EVALSHA packed by hiredis (the packer redis-py's serializer
    calls) and sent by the connection, and its reply read by the connection's parser (hiredis): redis-py's command
    path around that (its retry wrapper, timing records, reply callbacks and per-argument conversions, none of which
    an EVALSHA needs) cost a worker about as much CPU per call as the round trip itself (`bench/workers.py` measures both). Anything unusual (a server that lost the script, a dropped
    connection, a pooled client) goes through redis-py's own call, which loads the script and reconnects.
    """

    __slots__ = ("_client", "_registered", "_sha")

    def __init__(self, client: Any, text: str) -> None:
        self._client = client
        self._registered = client.register_script(text)
        self._sha = self._registered.sha

    def __call__(self, keys: Sequence[Any] = (), args: Sequence[Any] = ()) -> Any:
        client = self._client
        connection = client.connection
        if connection is not None and connection._sock is not None:
            with client.single_connection_lock:  # the control API may call from another thread than the requests
                try:
                    # hiredis packs the command, as redis-py's own serializer would have it do (without its per-argument
                    # conversions of bytearray and memoryview, which no script is given).
                    connection.send_packed_command(
                        [pack_command(("EVALSHA", self._sha, len(keys), *keys, *args))], check_health=False
                    )
                    return connection.read_response()
                except NoScriptError:
                    pass  # a restarted or flushed server: redis-py's call loads the script again
                except (ConnectionError, TimeoutError):
                    connection.disconnect()  # redis-py's call connects again (and retries as configured)
        return self._registered(keys=keys, args=args)
