"""What a login costs (issue 17): Argon2id hash and verify with argon2-cffi's recommended parameters,
and a whole `matcher.authenticate` against a SQLite store (verify + lock-out bookkeeping + audit entry).
Prints medians of N runs. Run: PYTHONPATH=. python benchmarks/login_cost.py"""

import statistics
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher

import matcher

N = 15


def median_ms(fn) -> float:
    times = []
    for _ in range(N):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ph = PasswordHasher()
    stored = ph.hash("correct horse 1")
    print(
        f"argon2id parameters: time_cost={ph.time_cost} memory_cost={ph.memory_cost} KiB parallelism={ph.parallelism}"
    )
    print(f"hash:   median {median_ms(lambda: ph.hash('correct horse 1')):.1f} ms")
    print(f"verify: median {median_ms(lambda: ph.verify(stored, 'correct horse 1')):.1f} ms")
    with tempfile.TemporaryDirectory() as tmp, matcher.open_store(Path(tmp) / "s.db") as store:
        matcher.add_user(store, "admin", "correct horse 1", role="管理员")
        ok = median_ms(lambda: matcher.authenticate(store, "admin", "correct horse 1"))

        def unknown():
            try:
                matcher.authenticate(store, "nobody", "correct horse 1")
            except matcher.AccountError:
                pass

        print(f"authenticate (right password): median {ok:.1f} ms")
        print(f"authenticate (unknown name):   median {median_ms(unknown):.1f} ms  (the same cost: names do not leak)")


if __name__ == "__main__":
    main()
