"""Every loss: one module per loss holding its Op, functional and ``nn`` class.
Each module's ``__all__`` lists its functional(s) and class(es); ``nn`` and ``nn.functional``
re-export them from here."""
__all__ = []


def _export(module):
    __all__.extend(module.__all__)
    globals().update({name: getattr(module, name) for name in module.__all__})


# one line per loss module (keep sorted)
from . import margin_ranking_loss as _m; _export(_m)
from . import hinge_embedding_loss as _m; _export(_m)
from . import multilabel_margin_loss as _m; _export(_m)
from . import multi_margin_loss as _m; _export(_m)
from . import multilabel_soft_margin_loss as _m; _export(_m)
from . import cosine_embedding_loss as _m; _export(_m)
from . import cosine_similarity as _m; _export(_m)
from . import pairwise_distance as _m; _export(_m)
from . import triplet_margin_loss as _m; _export(_m)
from . import triplet_margin_with_distance_loss as _m; _export(_m)
from . import mse_loss as _m; _export(_m)
from . import nll_loss as _m; _export(_m)
from . import cross_entropy as _m; _export(_m)
from . import l1_loss as _m; _export(_m)
from . import smooth_l1_loss as _m; _export(_m)
from . import huber_loss as _m; _export(_m)
from . import binary_cross_entropy as _m; _export(_m)
from . import binary_cross_entropy_with_logits as _m; _export(_m)
from . import kl_div as _m; _export(_m)
from . import soft_margin_loss as _m; _export(_m)
from . import poisson_nll_loss as _m; _export(_m)
from . import gaussian_nll_loss as _m; _export(_m)
