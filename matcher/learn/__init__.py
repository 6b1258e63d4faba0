"""What ChainMatch learns from labelled companies: a text model over hashed character n-grams and a
per-chain stacker that combines its score with the knowledge-based evidence.

This layer sits on the knowledge layer and below the engine: it knows texts, arrays and the artefact
file (data/model/chain_model.npz), never the matcher. `hashing` turns texts into hashed n-gram
features (nothing readable is kept: an n-gram becomes a bucket and a sign), `model` holds the
`ChainModel` (its inference is plain NumPy, so scoring never imports scikit-learn), loads and
validates the artefact and writes it. The engine computes the knowledge features and joins the
model's probability to the relevance (matcher/engine/learned.py); benchmarks/train_model.py trains
the artefact with scikit-learn and reports its held-out figures.
"""
