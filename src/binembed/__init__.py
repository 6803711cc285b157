"""binembed: binary codes from dense word embeddings, and what survives binarization.

Use it without Snakemake::

    from binembed import SignBinarizer, BinaryCodes
    codes = SignBinarizer().encode(words, vectors)     # a BinaryCodes
    codes.save("codes.npz"); codes.to_tissier_text("codes.txt")
"""

from importlib.metadata import version

from . import threads  # noqa: F401  first: OMP_WAIT_POLICY before any OpenMP runtime loads

__version__ = version("binembed")

from .binarizers.base import BaseBinarizer, SignBinarizer
from .codes import BinaryCodes, pack_bits, unpack_bits
from .fileio.embeddings import Embedding, EmbeddingFormatError, load_embedding, save_embedding
from .methods import binarizer_class

__all__ = [
    "BaseBinarizer",
    "BinaryCodes",
    "Embedding",
    "EmbeddingFormatError",
    "SignBinarizer",
    "binarizer_class",
    "load_embedding",
    "pack_bits",
    "save_embedding",
    "unpack_bits",
]
