"""Naive fn-lfu-evictions: scan the whole cache for the victim on every eviction."""


def lfu_evictions(capacity: int, requests: list[int]) -> list[int]:
    state: dict[int, tuple[int, int]] = {}  # key -> (use count, last-use time)
    evicted = []
    for t, key in enumerate(requests):
        if key in state:
            state[key] = (state[key][0] + 1, t)
            continue
        if len(state) == capacity:
            victim = min(state, key=lambda k: state[k])
            del state[victim]
            evicted.append(victim)
        state[key] = (1, t)
    return evicted
