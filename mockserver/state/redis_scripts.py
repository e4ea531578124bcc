"""The Lua scripts every request runs, packed by hiredis and sent on the worker's one connection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from hiredis import pack_command
from redis.exceptions import ConnectionError, NoScriptError, ResponseError, TimeoutError

# What a script call may carry (`carry`): per client, a function giving the packed command of writes waiting to be
# sent (and what to do if Redis refuses it), or None when nothing waits.
Rider = Callable[[], tuple[bytes, Callable[[ResponseError], None]] | None]
_RIDERS: WeakKeyDictionary[Any, Rider] = WeakKeyDictionary()


def carry(client: Any, rider: Rider) -> None:
    """Let every script call on `client` carry what `rider` gives, in the same packet, ahead of its own command:
    writes that need no answer to go on (the request log's entries) then cost no send and no round trip of their
    own whenever a request's script goes first."""
    _RIDERS[client] = rider


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

    def packed(self, keys: Sequence[Any] = (), args: Sequence[Any] = ()) -> bytes:
        """The call's EVALSHA, packed (hiredis packs it as redis-py's own serializer would have it do, without its
        per-argument conversions of bytearray and memoryview, which no script is given)."""
        return pack_command(("EVALSHA", self._sha, len(keys), *keys, *args))  # type: ignore[no-any-return]

    def __call__(self, keys: Sequence[Any] = (), args: Sequence[Any] = ()) -> Any:
        client = self._client
        connection = client.connection
        refused: ResponseError | None = None  # what Redis answered the writes this call carried, if it refused them
        carried = None
        try:
            if connection is not None and connection._sock is not None:
                with client.single_connection_lock:  # the control API may call from another thread than the requests
                    rider = _RIDERS.get(client)
                    carried = rider() if rider is not None else None
                    try:
                        command = self.packed(keys, args)
                        if carried is None:
                            connection.send_packed_command([command], check_health=False)
                        else:
                            connection.send_packed_command([carried[0], command], check_health=False)
                            try:
                                connection.read_response()
                            except ResponseError as error:  # theirs to settle, once this call's reply is read
                                refused = error
                        return connection.read_response()
                    except NoScriptError:
                        pass  # a restarted or flushed server: redis-py's call loads the script again
                    except (ConnectionError, TimeoutError):
                        connection.disconnect()  # redis-py's call connects again (and retries as configured)
            return self._registered(keys=keys, args=args)
        finally:
            if refused is not None and carried is not None:
                carried[1](refused)
