"""Generator for `orps stress warm-streak`: small random temperature lists.

Usage: python warm_streak_gen.py SEED  (prints one input). Small values make ties and
equal neighbours common, which is where streak bugs hide.
"""

import random
import sys

rng = random.Random(int(sys.argv[1]))
n = rng.randint(1, 8)
print(n)
print(*(rng.randint(0, 4) for _ in range(n)))
