"""``minigrad.nn.functional``: stateless forms of the layers and every loss."""
from .. import losses as _losses

globals().update({name: getattr(_losses, name) for name in _losses.__all__ if not name[0].isupper()})
