"""Production settings with one more drand chain: the journey test's own (test_journey.py).

Real drand rounds are published in the past, and a draw needs one after its entries close,
during the test. So the test is the chain: it makes a BLS key pair (quicknet's scheme), gives
its info here through ``JOURNEY_DRAND_CHAIN`` (JSON: hash, public_key, genesis_time, period,
scheme) and signs the committed round itself. Everything else is production's, unchanged.
"""

import json
import os

from config.settings.production import *  # noqa: F403
from config.settings.production import DRAND_CHAINS

DRAND_CHAINS = {**DRAND_CHAINS, "journey": json.loads(os.environ["JOURNEY_DRAND_CHAIN"])}
