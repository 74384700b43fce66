"""``nn.parallel``: ``DistributedDataParallel``."""
from .distributed import DistributedDataParallel
