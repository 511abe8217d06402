"""The realtime plumbing: how an action reaches the database and its news every screen.

    socket ──action──▶ lane ──batch──▶ services.actions (one transaction, the engine)
                        │                    │ on commit
                 ack ◀──┘                    ▼
                                        broadcast ──"game G is at version N"──▶ channel layer
                                             │ (this process, directly)          │ (others)
                                             ▼                                   ▼
                                            hub ◀────────────────────── hub of each process
                                             │ one task per game
                                             ▼
                         fanout: render each (viewer, seq) once ──▶ each connection's outbox
                                  │ takes turns (pacing)                │ bounded; a socket that
                                  ▼                                     ▼ stalls is closed
                                 render                              the socket

    background (every process): clock ticks, bots, and watch, which re-reads versions
    every few seconds and heals any broadcast the at-most-once layer dropped;
    checkpoints: SQLite's write-ahead log copied on a thread of its own.

Per event loop (per_loop.py) there is one lane, one hub and one pacer: a server process
runs one loop, the test suite one per test. Redis never carries game content, only ids
and version numbers; every connection renders what its own viewer may see.
"""
