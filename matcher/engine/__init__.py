"""Engine: canonical companies in, component scores out — relevance of every company to every segment
(`match`), the score and tier from its components (`score`), every Chinese reason rendered from the
component columns (`explain`), distances (`geo`), the estimator contract
(`estimator`) and process-parallel chunks (`jobs`). Builds on knowledge; never imports outputs or a UI.
"""
